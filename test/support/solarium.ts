// Solarium test data shared by the tests that quote: the quotation wizard's final payload (§4.3)
// for a 3 kW single-phase system — 6 × 540 W panels, 1,50,000 before GST.
export const quotationWizard = (leadId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  leadId,
  location: 'Kothrud, Pune',
  phase: 'single',
  capacityKw: 3,
  panelModel: 'Mono PERC 540',
  panelWattage: 540,
  panelCount: 6,
  inverterModel: 'Grid-tie 3 kW',
  lines: [
    { label: 'Panels', qty: 6, unitPrice: 14500 },
    { label: 'Inverter', qty: 1, unitPrice: 38000 },
    { label: 'Installation and net metering', qty: 1, unitPrice: 25000 },
  ],
  ...extra,
});
