import { useQueryClient } from '@tanstack/react-query';
import { Button, Grid, Layout, Menu, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { api, setCsrfToken } from '../api/client';
import type { Me } from '../api/types';
import { analyticsMenuKeys } from '../pages/analytics/menu';
import { q2cMenuKeys } from '../pages/q2c/menu';
import { adminMenuKeys } from './admin/adminMenu';
import { LanguageSwitch } from './LanguageSwitch';
import { NotificationBell } from './NotificationBell';
import { opsMenuKeys } from './opsMenuKeys';

const MENU = ['workbench', 'leads', 'accounts', 'contacts', 'deals'] as const;

export function AppLayout({ me, children }: { me: Me; children: ReactNode }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const screens = Grid.useBreakpoint();
  const signOut = async () => {
    await api('POST', '/api/auth/logout');
    setCsrfToken(null);
    queryClient.setQueryData(['me'], null);
  };
  const adminKeys = adminMenuKeys(me.user.role);
  const opsKeys = opsMenuKeys(me.user.role);
  const q2cKeys = q2cMenuKeys(me.user.role);
  const analyticsKeys = analyticsMenuKeys(me.user.role);
  // Quote-to-cash and performance screens sit in a submenu each; a child's key is its path.
  const group = (name: 'q2c' | 'analytics', keys: string[]) =>
    keys.length === 0
      ? []
      : [
          {
            key: name,
            label: t(`${name}.menu.group`),
            children: keys.map((key) => ({ key, label: t(`${name}.menu.${key}`) })),
          },
        ];
  const selected =
    [...MENU, ...opsKeys, ...q2cKeys, ...analyticsKeys, ...adminKeys].find(
      (m) => m !== 'workbench' && location.pathname.startsWith(`/${m}`),
    ) ?? 'workbench';
  return (
    <Layout style={{ minHeight: '100vh', overflowX: 'hidden' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, padding: '0 16px' }}>
        {screens.sm && (
          <Typography.Text strong style={{ color: '#fff', whiteSpace: 'nowrap' }}>
            {t('app.name')}
          </Typography.Text>
        )}
        <Menu
          theme="dark"
          mode="horizontal"
          selectedKeys={[selected]}
          style={{ flex: 1, minWidth: 0 }}
          items={[
            ...MENU.map((key) => ({ key, label: t(`menu.${key}`) })),
            ...opsKeys.map((key) => ({ key, label: t(`ops.menu.${key}`) })),
            ...group('q2c', q2cKeys),
            ...group('analytics', analyticsKeys),
            ...adminKeys.map((key) => ({ key, label: t(`admin.menu.${key}`) })),
          ]}
          onClick={({ key }) => navigate(key === 'workbench' ? '/' : `/${key}`)}
        />
        <Space>
          {screens.md && (
            <Typography.Text style={{ color: '#fff' }} data-value="">
              {me.user.name}
            </Typography.Text>
          )}
          <NotificationBell />
          <LanguageSwitch />
          <Button size="small" onClick={signOut}>
            {t('app.signOut')}
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: screens.md ? 24 : 8 }}>{children}</Layout.Content>
    </Layout>
  );
}
