"""图表 and 月报: the ledger's figures drawn (Apache ECharts, served from static/) and put
into the words of the monthly report. Every figure comes from fundtrack.ledger."""
