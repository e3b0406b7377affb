import { BellOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, FloatButton, Grid } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api/client';

/**
 * The bell: my unread notifications, refreshed every half minute; opens the inbox. In the header
 * on wider screens; on a phone it floats in the corner so the header keeps room for the menu.
 */
export function NotificationBell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const unread = useQuery({
    queryKey: ['notifications', 'unread-count'],
    queryFn: () => api<{ count: number }>('GET', '/api/notifications/unread-count'),
    refetchInterval: 30_000,
  });
  const count = unread.data?.count ?? 0;
  if (!screens.sm)
    return (
      <FloatButton
        icon={<BellOutlined />}
        badge={{ count, overflowCount: 99 }}
        aria-label={t('ops.inbox.bell', { count })}
        onClick={() => navigate('/notifications')}
        style={{ insetInlineEnd: 16, bottom: 24 }}
        data-testid="notification-bell"
        data-count={count}
      />
    );
  return (
    <Badge count={count} size="small" overflowCount={99} data-testid="bell-count" data-count={count}>
      <Button
        type="text"
        aria-label={t('ops.inbox.bell', { count })}
        icon={<BellOutlined style={{ color: '#fff', fontSize: 18 }} />}
        onClick={() => navigate('/notifications')}
        data-testid="notification-bell"
      />
    </Badge>
  );
}
