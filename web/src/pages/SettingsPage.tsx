import { Card, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { Me } from '../api/types';
import { CalendarSettingsForm } from '../components/admin/CalendarSettingsForm';
import { NotificationChannels } from '../components/admin/NotificationChannels';

/** 设置: the working calendar (everyone reads, admin and sales ops save) and notification channels. */
export function SettingsPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const canEdit = me.user.role === 'admin' || me.user.role === 'sales_ops';
  const tab = params.get('tab') === 'channels' && canEdit ? 'channels' : 'calendar';
  return (
    <>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('admin.menu.settings')}
      </Typography.Title>
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams(k === 'calendar' ? {} : { tab: k })}
          items={[
            {
              key: 'calendar',
              label: t('admin.calendar.title'),
              children: <CalendarSettingsForm canEdit={canEdit} />,
            },
            ...(canEdit
              ? [{ key: 'channels', label: t('admin.channels.title'), children: <NotificationChannels /> }]
              : []),
          ]}
        />
      </Card>
    </>
  );
}
