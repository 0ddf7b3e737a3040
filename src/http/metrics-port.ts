/**
 * What the HTTP app needs from a metrics exporter (ADR 0053); implemented with prom-client in
 * src/server/metrics. Routes are label values by pattern (`/api/v1alpha1/requests/:id`), never
 * by the raw path, so ids cannot multiply the series.
 */
export interface HttpMetrics {
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  observeTool(tool: string, seconds: number, ok: boolean): void;
}

/** GET /metrics: the exposition text; `bearerToken` when scrapers must authenticate. */
export interface MetricsEndpoint {
  render(): Promise<{ contentType: string; body: string }>;
  bearerToken?: string;
}
