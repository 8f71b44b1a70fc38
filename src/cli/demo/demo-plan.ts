/** The tables of the brief's story, bronze to gold. */
export const DEMO_TABLES = {
  customers: 'bronze.crm.customer_data',
  sales: 'bronze.crm.sales',
  silver: 'silver.crm.sales',
  revenue: 'gold.revenue.revenue',
  ltv: 'gold.revenue.customer_ltv',
} as const;

/**
 * The medallion jobs, in the order they run. Silver drops sales without a customer and
 * refunds or zero lines, and the rows the export sent twice; its rules are checked
 * before anything is written.
 */
export const DEMO_JOBS = [
  {
    name: 'demo_silver_sales',
    description: 'CRM sales, cleaned: typed, one row per order, only completed sales',
    target: DEMO_TABLES.silver,
    mode: 'overwrite',
    sql: `SELECT DISTINCT CAST(order_id AS BIGINT) AS order_id, CAST(customer_id AS BIGINT) AS customer_id,
       product, CAST(amount AS DECIMAL(12, 2)) AS amount, CAST(sold_at AS TIMESTAMP) AS sold_at, region
FROM ${DEMO_TABLES.sales}
WHERE customer_id IS NOT NULL AND CAST(amount AS DECIMAL(12, 2)) > 0`,
    quality: {
      ruleset: `Rules = [
  IsComplete "order_id",
  IsComplete "customer_id",
  IsUnique "order_id",
  ColumnValues "amount" > 0
]`,
      onFailure: 'stop',
    },
  },
  {
    name: 'demo_gold_revenue',
    description: 'Revenue per region per day',
    target: DEMO_TABLES.revenue,
    mode: 'overwrite',
    sql: `SELECT region, CAST(sold_at AS DATE) AS day, sum(amount) AS revenue, count(*) AS orders
FROM ${DEMO_TABLES.silver}
GROUP BY region, CAST(sold_at AS DATE)`,
  },
  {
    name: 'demo_gold_customer_ltv',
    description: 'Customer lifetime value: spent so far, orders, last purchase',
    target: DEMO_TABLES.ltv,
    mode: 'overwrite',
    sql: `SELECT customer_id, any_value(region) AS region, sum(amount) AS ltv_score,
       count(*) AS orders, max(sold_at) AS last_purchase
FROM ${DEMO_TABLES.silver}
GROUP BY customer_id`,
  },
] as const;

/** The data scientist's queries: the brief's, and the customers behind it. */
export const DEMO_QUERIES = [
  {
    title: "The brief's query: US customers by lifetime value",
    sql: `SELECT customer_id, ltv_score FROM ${DEMO_TABLES.ltv} WHERE region = 'US' ORDER BY ltv_score DESC, customer_id LIMIT 5`,
  },
  {
    title: 'Customers, without a WHERE: the filter keeps US rows, ssn is masked',
    sql: `SELECT customer_id, name, region, ssn FROM ${DEMO_TABLES.customers} ORDER BY customer_id LIMIT 5`,
  },
] as const;
