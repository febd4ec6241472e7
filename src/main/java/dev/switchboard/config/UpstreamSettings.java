package dev.switchboard.config;

/**
 * How the gateway connects to its upstreams ({@code general_settings.upstream_*}): one pool per upstream host.
 *
 * @param maxConnectionsPerHost HTTP/1.1 connections per host ({@code upstream_max_connections_per_host}): an HTTP/1.1
 *                              connection carries one request at a time, so this is how many calls (streams included)
 *                              one host gets at once; more wait for a connection, counted and logged
 * @param http2                 offer HTTP/2 by ALPN to HTTPS upstreams ({@code upstream_http2}); plain-HTTP upstreams
 *                              (local servers, the simulator) always get HTTP/1.1
 * @param http2ConnectionsPerHost HTTP/2 connections per host ({@code upstream_http2_connections_per_host})
 * @param http2StreamsPerConnection concurrent requests on one HTTP/2 connection at most
 *                              ({@code upstream_http2_streams_per_connection}); the server's own limit
 *                              (SETTINGS_MAX_CONCURRENT_STREAMS) applies when it is lower
 * @param caFile                a PEM file of certificates to trust for upstream HTTPS besides the JDK's own CAs
 *                              ({@code upstream_ca_file}: a company proxy's CA, a self-signed local server), or null
 */
public record UpstreamSettings(int maxConnectionsPerHost, boolean http2, int http2ConnectionsPerHost,
                               int http2StreamsPerConnection, String caFile) {
    public static final int DEFAULT_MAX_CONNECTIONS_PER_HOST = 2048;
    public static final int DEFAULT_HTTP2_CONNECTIONS_PER_HOST = 32;
    public static final int DEFAULT_HTTP2_STREAMS_PER_CONNECTION = 256;

    public static final UpstreamSettings DEFAULTS = new UpstreamSettings(DEFAULT_MAX_CONNECTIONS_PER_HOST, true,
            DEFAULT_HTTP2_CONNECTIONS_PER_HOST, DEFAULT_HTTP2_STREAMS_PER_CONNECTION, null);

    /** Calls one HTTP/2 host gets at once before they wait: connections × streams per connection. */
    public int http2CallsPerHost() { return http2ConnectionsPerHost * http2StreamsPerConnection; }
}
