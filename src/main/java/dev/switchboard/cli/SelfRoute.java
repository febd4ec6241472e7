package dev.switchboard.cli;

import dev.switchboard.config.Deployment;
import dev.switchboard.config.GatewayConfig;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A deployment whose base is the gateway's own listening address: its requests come back to the gateway. The usual
 * cause is {@code export OPENAI_BASE_URL=http://localhost:4000/v1} in a shell (how apps are pointed at a proxy) from
 * which {@code serve} is then started: LiteLLM's base variable makes every {@code openai/} entry without
 * {@code api_base} call the gateway itself, which calls itself again, for ever.
 *
 * <p>A base taken from the environment is refused: the variable was meant for apps, never a route. A base written in
 * the config is only warned: sending an alias through the gateway again (another alias, its budgets and guardrails)
 * is a legal, deliberate set-up, and only a chain that comes back to the same alias loops. The address is this
 * gateway's when the port is the listening port and the host is the listening host, or a loopback name or address
 * (localhost, 127.x, ::1) or 0.0.0.0 / :: while it listens on loopback or every interface, or an address literal of
 * this machine's interfaces while it listens on every interface. Host names other than localhost are not resolved
 * (no DNS at start). Port 0 (any free port) is not checked.
 */
final class SelfRoute {
    private SelfRoute() {}

    /** The errors (env-derived bases) and warnings (config-written ones) for a gateway listening on {@code host:port}. */
    record Found(List<String> errors, List<String> warnings) {}

    static Found check(GatewayConfig config, String host, int port) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (port <= 0) return new Found(errors, warnings);
        String at = Launch.httpUrl(host, port);
        for (Deployment d : config.deployments()) {
            if (d.apiBase() != null && isSelf(d.apiBase(), host, port)) {
                String var = d.apiBaseVariable();
                if (var != null) {
                    errors.add(envMessage(d, d.provider(), d.apiBase(), var, at));
                } else {
                    warnings.add(d.where() + ": model_list entry '" + d.alias() + "' (" + d.id() + ") has api_base " + d.apiBase()
                            + ", this gateway's own address (listening on " + at + "): its requests come back here as model '"
                            + d.model() + "', which loops unless that name is served by a deployment with another address. "
                            + "Fix: set api_base to the provider's address, unless the detour through this gateway is meant.");
                }
            }
            for (var e : d.sources().entrySet()) { // a bare * keeps each provider's base variable (Deployment#environmentBase)
                if (!e.getKey().startsWith(Deployment.ENVIRONMENT_BASE)) continue;
                String provider = e.getKey().substring(Deployment.ENVIRONMENT_BASE.length());
                String[] env = d.environmentBase(provider);
                if (env != null && isSelf(env[1], host, port)) errors.add(envMessage(d, provider, env[1], env[0], at));
            }
        }
        return new Found(errors, warnings);
    }

    private static String envMessage(Deployment d, String provider, String base, String var, String at) {
        return d.where() + ": model_list entry '" + d.alias() + "' (" + d.id() + ") has no api_base, so its " + provider
                + "/ requests go to " + base + " from the environment variable " + var + " (LiteLLM's base variable), which is "
                + "this gateway's own address (listening on " + at + "): every request would come back here, for ever. "
                + var + " is probably exported for apps to reach this gateway. Fix: start the gateway without it (env -u "
                + var + " switchboard serve …), or set litellm_params.api_base on the entry to the provider's address.";
    }

    /** Whether {@code base} reaches a server listening on {@code host:port} (see the class comment for what counts). */
    static boolean isSelf(String base, String host, int port) {
        URI u;
        try {
            u = URI.create(base.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        String b = u.getHost();
        if (b == null) return false;
        int p = u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
        if (p != port) return false;
        b = strip(b);
        String h = strip(host);
        if (b.equals(h)) return true;
        boolean listenAll = h.equals("0.0.0.0") || h.equals("::") || h.equals("0:0:0:0:0:0:0:0");
        boolean baseLocal = b.equals("localhost") || b.endsWith(".localhost") || b.equals("0.0.0.0") || b.equals("::")
                || loopbackLiteral(b);
        if (baseLocal) return listenAll || h.equals("localhost") || loopbackLiteral(h);
        if (!listenAll || !literal(b)) return false;
        try {
            return NetworkInterface.getByInetAddress(InetAddress.getByName(b)) != null;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String strip(String host) {
        String s = host.toLowerCase(Locale.ROOT);
        return s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    }

    /** An IPv4 or IPv6 address literal (no lookup). */
    private static boolean literal(String s) {
        return s.indexOf(':') >= 0 || s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static boolean loopbackLiteral(String s) {
        if (!literal(s)) return false;
        try {
            return InetAddress.getByName(s).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
