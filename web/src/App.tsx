import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUSLocale from 'antd/locale/en_US';
import zhCNLocale from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AppLayout } from './components/AppLayout';
import { ApprovalsPage } from './pages/ApprovalsPage';
import { AutomationRulesPage } from './pages/AutomationRulesPage';
import { analyticsRoutes } from './pages/analytics/routes';
import { CompliancePage } from './pages/CompliancePage';
import { DealsPage } from './pages/DealsPage';
import { ImportPage } from './pages/ImportPage';
import { KpiPage } from './pages/KpiPage';
import { LoginPage } from './pages/LoginPage';
import { NotificationsPage } from './pages/NotificationsPage';
import { PlaybookDesignerPage } from './pages/PlaybookDesignerPage';
import { PlaybooksPage } from './pages/PlaybooksPage';
import { QuoteEditor } from './pages/QuoteEditor';
import { QuotesPage } from './pages/QuotesPage';
import { q2cRoutes } from './pages/q2c/routes';
import { RecordListPage } from './pages/RecordListPage';
import { RecordPage } from './pages/RecordPage';
import { SettingsPage } from './pages/SettingsPage';
import { UsersPage } from './pages/UsersPage';
import { WorkbenchPage } from './pages/WorkbenchPage';
import { useMe } from './useMe';

export function App() {
  const { i18n } = useTranslation();
  const me = useMe();
  const english = i18n.language === 'en-US';
  dayjs.locale(english ? 'en' : 'zh-cn');
  return (
    <ConfigProvider locale={english ? enUSLocale : zhCNLocale} theme={{ token: { colorPrimary: '#1f6feb' } }}>
      <AntApp>
        {me.isLoading ? (
          <Spin fullscreen />
        ) : !me.data ? (
          <LoginPage />
        ) : (
          <BrowserRouter>
            <AppLayout me={me.data}>
              <Routes>
                <Route path="/" element={<WorkbenchPage me={me.data} />} />
                <Route path="/leads" element={<RecordListPage key="leads" entity="leads" me={me.data} />} />
                <Route
                  path="/accounts"
                  element={<RecordListPage key="accounts" entity="accounts" me={me.data} />}
                />
                <Route
                  path="/contacts"
                  element={<RecordListPage key="contacts" entity="contacts" me={me.data} />}
                />
                <Route path="/deals" element={<DealsPage me={me.data} />} />
                <Route path="/leads/:id" element={<RecordPage key="lead" entity="leads" me={me.data} />} />
                <Route
                  path="/accounts/:id"
                  element={<RecordPage key="account" entity="accounts" me={me.data} />}
                />
                <Route
                  path="/contacts/:id"
                  element={<RecordPage key="contact" entity="contacts" me={me.data} />}
                />
                <Route path="/deals/:id" element={<RecordPage key="deal" entity="deals" me={me.data} />} />
                <Route path="/playbooks" element={<PlaybooksPage me={me.data} />} />
                <Route path="/playbooks/versions/:id" element={<PlaybookDesignerPage me={me.data} />} />
                <Route path="/automation" element={<AutomationRulesPage me={me.data} />} />
                <Route path="/settings" element={<SettingsPage me={me.data} />} />
                <Route path="/users" element={<UsersPage me={me.data} />} />
                <Route path="/notifications" element={<NotificationsPage />} />
                <Route path="/import" element={<ImportPage />} />
                <Route path="/quotes" element={<QuotesPage me={me.data} />} />
                <Route path="/quotes/new" element={<QuoteEditor key="new" me={me.data} />} />
                <Route path="/quotes/:id" element={<QuoteEditor key="quote" me={me.data} />} />
                <Route path="/approvals" element={<ApprovalsPage me={me.data} />} />
                <Route path="/kpi" element={<KpiPage />} />
                <Route path="/compliance" element={<CompliancePage />} />
                {q2cRoutes(me.data)}
                {analyticsRoutes(me.data)}
                <Route path="*" element={<Navigate to="/" replace />} />
              </Routes>
            </AppLayout>
          </BrowserRouter>
        )}
      </AntApp>
    </ConfigProvider>
  );
}
