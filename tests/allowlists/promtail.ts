import type { Schema } from "./check";

/** Prometheus-style relabel config (Promtail inherits it). */
const RELABEL: Schema = {
    source_labels: true,
    separator: true,
    target_label: true,
    regex: true,
    modulus: true,
    replacement: true,
    action: true,
};

/** The pipeline stages the stack uses. Other stages are not allowed in our files (keep the list honest). */
const STAGE: Schema = {
    json: { expressions: "__map__", source: true, drop_malformed: true },
    labels: "__map__",
    static_labels: "__map__",
    cri: "__map__",
    docker: "__map__",
};

/**
 * Keys of Promtail's config at v3.6.11, for the blocks the stack renders, from
 * grafana/loki@v3.6.11:docs/sources/send-data/promtail/configuration.md (server, clients, positions, scrape_configs,
 * relabel_configs, docker_sd_configs) and docs/sources/send-data/promtail/stages/{json,labels,static_labels,cri}.md.
 */
export const PROMTAIL_3_6_SCHEMA: Schema = {
    server: {
        disable: true,
        profiling_enabled: true,
        http_listen_address: true,
        http_listen_port: true,
        grpc_listen_address: true,
        grpc_listen_port: true,
        register_instrumentation: true,
        graceful_shutdown_timeout: true,
        http_server_read_timeout: true,
        http_server_write_timeout: true,
        http_server_idle_timeout: true,
        grpc_server_max_recv_msg_size: true,
        grpc_server_max_send_msg_size: true,
        grpc_server_max_concurrent_streams: true,
        log_level: true,
        http_path_prefix: true,
        health_check_target: true,
        enable_runtime_reload: true,
    },
    clients: {
        __list__: {
            url: true,
            headers: "__map__",
            tenant_id: true,
            batchwait: true,
            batchsize: true,
            bearer_token: true,
            bearer_token_file: true,
            proxy_url: true,
            backoff_config: { min_period: true, max_period: true, max_retries: true },
            drop_rate_limited_batches: true,
            external_labels: "__map__",
            timeout: true,
        },
    },
    positions: { filename: true, sync_period: true, ignore_invalid_yaml: true },
    scrape_configs: {
        __list__: {
            job_name: true,
            pipeline_stages: { __list__: STAGE },
            relabel_configs: { __list__: RELABEL },
            docker_sd_configs: {
                __list__: {
                    host: true,
                    proxy_url: true,
                    port: true,
                    host_networking_host: true,
                    match_first_network: true,
                    filters: { __list__: { name: true, values: true } },
                    refresh_interval: true,
                    follow_redirects: true,
                },
            },
        },
    },
};
export const PROMTAIL_3_6_SOURCE = "grafana/loki@v3.6.11:docs/sources/send-data/promtail/configuration.md";
