import type { Services } from '../../../src/app.js';
import type { Caller } from '../../../src/governance/index.js';

/** A table of the test catalog: its dotted name, description and columns (name: description). */
export interface CatalogTable {
  name: string;
  description: string;
  columns: Record<string, string>;
}

/**
 * A catalog shaped like the brief's: bronze sources, silver domains, gold business
 * metrics, with descriptions and columns a data team would write.
 */
export const TABLES: CatalogTable[] = [
  {
    name: 'bronze.crm.customers',
    description: 'Raw customer records exported nightly from the CRM',
    columns: {
      customer_id: '',
      first_name: '',
      last_name: '',
      email: 'Primary e-mail address',
      phone: '',
      country: '',
    },
  },
  {
    name: 'bronze.crm.contacts',
    description: 'Contact persons at business accounts',
    columns: { contact_id: '', account_id: '', email: '', phone: '' },
  },
  {
    name: 'bronze.pos.invoices',
    description: 'Invoice lines from the point-of-sale system (UCI Online Retail)',
    columns: {
      InvoiceNo: 'Starts with C for a cancellation',
      StockCode: '',
      Description: '',
      Quantity: '',
      InvoiceDate: '',
      UnitPrice: '',
      CustomerID: '',
      Country: '',
    },
  },
  {
    name: 'bronze.pos.stores',
    description: 'Store master data: addresses and opening hours',
    columns: { store_id: '', city: '', opened_on: '' },
  },
  {
    name: 'bronze.web.clickstream',
    description: 'Page views and clicks from the web shop',
    columns: { session_id: '', url: '', referrer: '', event_time: '' },
  },
  {
    name: 'bronze.web.search_queries',
    description: 'What shoppers typed in the site search box',
    columns: { query: '', results: 'Number of hits shown', event_time: '' },
  },
  {
    name: 'bronze.flights.flight_counts',
    description: 'US domestic flight counts by origin and destination country',
    columns: { DEST_COUNTRY_NAME: '', ORIGIN_COUNTRY_NAME: '', count: '' },
  },
  {
    name: 'bronze.chinook.tracks',
    description: 'Music tracks with composer, genre and duration',
    columns: { TrackId: '', Name: '', Composer: '', Milliseconds: '', UnitPrice: '' },
  },
  {
    name: 'bronze.chinook.employees',
    description: 'Sales support agents and their managers',
    columns: { EmployeeId: '', LastName: '', Title: '', ReportsTo: '' },
  },
  {
    name: 'silver.sales.orders',
    description: 'Cleaned orders: cancelled invoices removed, one row per order line',
    columns: {
      order_id: '',
      customer_id: '',
      product_id: '',
      quantity: '',
      amount: 'Quantity times unit price',
      order_date: '',
    },
  },
  {
    name: 'silver.sales.returns',
    description: 'Cancelled invoices and returned items',
    columns: { order_id: '', reason: '', refund_amount: 'Money paid back to the shopper' },
  },
  {
    name: 'silver.customers.customer_profiles',
    description: 'One row per customer with contact details and segment',
    columns: { customer_id: '', email: '', segment: '', country: '' },
  },
  {
    name: 'silver.customers.customer_addresses',
    description: 'Validated postal addresses',
    columns: { customer_id: '', street: '', postcode: '', city: '' },
  },
  {
    name: 'silver.products.product_catalog',
    description: 'Products with category, brand and list price',
    columns: { product_id: '', category: '', brand: '', list_price: '' },
  },
  {
    name: 'silver.inventory.stock_levels',
    description: 'Daily stock on hand per warehouse and product',
    columns: { warehouse_id: '', product_id: '', on_hand: '', snapshot_date: '' },
  },
  {
    name: 'silver.marketing.campaigns',
    description: 'E-mail and paid-media campaigns with budget and channel',
    columns: { campaign_id: '', channel: '', budget: '', start_date: '' },
  },
  {
    name: 'silver.support.tickets',
    description: 'Customer support tickets with priority and resolution time',
    columns: { ticket_id: '', customer_id: '', priority: '', resolution_hours: '' },
  },
  {
    name: 'gold.revenue.monthly_revenue',
    description: 'Revenue per country and month, net of returns',
    columns: { month: '', country: '', revenue: '' },
  },
  {
    name: 'gold.revenue.daily_revenue',
    description: 'Revenue per day and country, net of returns',
    columns: { day: '', country: '', revenue: '' },
  },
  {
    name: 'gold.revenue.revenue_forecast',
    description: 'Forecast of next quarter sales',
    columns: { quarter: '', expected: '' },
  },
  {
    name: 'gold.customer_ltv.customer_ltv',
    description: 'Customer lifetime value: predicted revenue per customer over three years',
    columns: { customer_id: '', ltv: 'Lifetime value in GBP', predicted_at: '' },
  },
  {
    name: 'gold.customers.customer_revenue',
    description: 'Revenue per customer since the first order',
    columns: { customer_id: '', total_revenue: '', orders: '' },
  },
  {
    name: 'gold.churn.churn_scores',
    description: 'Probability that a customer stops buying in the next 90 days',
    columns: { customer_id: '', churn_probability: '', model_id: '' },
  },
  {
    name: 'gold.marketing.campaign_roi',
    description: 'Return on investment per marketing campaign',
    columns: { campaign_id: '', spend: '', attributed_revenue: '', roi: '' },
  },
  {
    name: 'gold.inventory.stockout_risk',
    description: 'Products likely to run out within a week',
    columns: { product_id: '', days_of_cover: '' },
  },
  {
    name: 'gold.finance.gross_margin',
    description: 'Gross margin by product category',
    columns: { category: '', margin_pct: '' },
  },
  {
    name: 'gold.flights.busiest_routes',
    description: 'Busiest flight routes between countries',
    columns: { origin: '', destination: '', flights: '' },
  },
  {
    name: 'gold.support.sla_breaches',
    description: 'Tickets that breached their service level agreement',
    columns: { ticket_id: '', breached_by_hours: '' },
  },
];

export function identOf(name: string): { namespace: string[]; name: string } {
  const parts = name.split('.');
  return { namespace: parts.slice(0, -1), name: parts.at(-1)! };
}

/** Creates the catalog through the governed use cases, as users would (so search hears it). */
export async function createCatalog(services: Services, admin: Caller): Promise<void> {
  const namespaces = new Set(TABLES.map((t) => t.name.split('.').slice(0, -1).join('.')));
  for (const ns of namespaces) await services.governed.createNamespace(admin, ns.split('.'));
  for (const t of TABLES) {
    await services.governed.createTable(admin, identOf(t.name), {
      description: t.description,
      columns: Object.entries(t.columns).map(([name, doc]) => ({
        name,
        type: 'string' as const,
        ...(doc === '' ? {} : { doc }),
      })),
    });
  }
}
