import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage } from '../i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <Button
      size="small"
      data-testid="language-switch"
      onClick={() => changeLanguage(i18n.language === 'en-US' ? 'zh-CN' : 'en-US')}
    >
      {t('app.language')}
    </Button>
  );
}
