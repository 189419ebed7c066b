import { AlertsTable } from '@/components/alerts/AlertsTable';
import { page } from '@/lib/http/page';

export default page({ path: '/alerts', permission: 'fleet.view' }, () => (
  <div>
    <h1 className="mb-3 text-lg text-slate-100">Alerts</h1>
    <AlertsTable />
  </div>
));
