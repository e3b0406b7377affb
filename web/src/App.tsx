import { ConfigProvider, Spin } from 'antd';
import enUSLocale from 'antd/locale/en_US';
import zhCNLocale from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AppLayout } from './components/AppLayout';
import { LoginPage } from './pages/LoginPage';
import { RecordListPage } from './pages/RecordListPage';
import { useMe } from './useMe';

export function App() {
  const { i18n } = useTranslation();
  const me = useMe();
  const english = i18n.language === 'en-US';
  dayjs.locale(english ? 'en' : 'zh-cn');
  return (
    <ConfigProvider locale={english ? enUSLocale : zhCNLocale} theme={{ token: { colorPrimary: '#1f6feb' } }}>
      {me.isLoading ? (
        <Spin fullscreen />
      ) : !me.data ? (
        <LoginPage />
      ) : (
        <BrowserRouter>
          <AppLayout me={me.data}>
            <Routes>
              <Route path="/" element={<Navigate to="/leads" replace />} />
              <Route path="/leads" element={<RecordListPage key="leads" entity="leads" />} />
              <Route path="/accounts" element={<RecordListPage key="accounts" entity="accounts" />} />
              <Route path="/contacts" element={<RecordListPage key="contacts" entity="contacts" />} />
              <Route path="/deals" element={<RecordListPage key="deals" entity="deals" />} />
              <Route path="*" element={<Navigate to="/leads" replace />} />
            </Routes>
          </AppLayout>
        </BrowserRouter>
      )}
    </ConfigProvider>
  );
}
