// Placeholder until reports land (the reports engineer replaces this file).
import { IconReportAnalytics } from '@tabler/icons-react'
import { ComingSoon } from '../../shell/ComingSoon'

export default function ReportsScreen() {
  return (
    <ComingSoon
      title="Reports"
      icon={IconReportAnalytics}
      summary="Offline reports over the local store, exported as spreadsheets and PDFs."
      points={['Revenue, churn and growth by month', 'Collections: past due, payment failures', 'Usage by plan and state', 'Excel and PDF exports']}
    />
  )
}
