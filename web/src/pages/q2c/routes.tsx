import { Route } from 'react-router';
import type { Me } from '../../api/types';
import { ContractNewPage } from './ContractNewPage';
import { ContractPage } from './ContractPage';
import { ContractsPage } from './ContractsPage';
import { OrderPage } from './OrderPage';
import { OrdersPage } from './OrdersPage';
import { ReceivablesPage } from './ReceivablesPage';

/** The quote-to-cash screens (contracts, orders, payments and receivables) as routes of the app. */
export function q2cRoutes(me: Me) {
  return [
    <Route key="contracts" path="/contracts" element={<ContractsPage me={me} />} />,
    <Route key="contract-new" path="/contracts/new" element={<ContractNewPage me={me} />} />,
    <Route key="contract" path="/contracts/:id" element={<ContractPage key="contract" me={me} />} />,
    <Route key="orders" path="/orders" element={<OrdersPage me={me} />} />,
    <Route key="order" path="/orders/:id" element={<OrderPage me={me} />} />,
    <Route key="receivables" path="/receivables" element={<ReceivablesPage me={me} />} />,
  ];
}
