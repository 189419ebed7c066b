import { AlertsTable } from '@/components/alerts/AlertsTable';

export default function AlertsPage() {
  return (
    <div>
      <h1 className="mb-3 text-lg text-slate-100">Alerts</h1>
      <AlertsTable />
    </div>
  );
}
