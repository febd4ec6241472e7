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
 * <p>A base taken from the environment is not taken at all: the variable was meant for apps, never a route, so serve
 * loads the config with {@code ConfigLoader#ignoringBasesAt} this address, which passes it over with a warning (the next
 * variable in LiteLLM's order, else the provider's default, applies); serve still refuses when the key those
 * deployments then carry is the gateway's own ({@code pipeline.OwnKeyUpstream}). A base written in the config is only
 * warned: sending an alias through the gateway again (another alias, its budgets and guardrails) is a legal, deliberate
 * set-up, and only a chain that comes back to the same alias loops. The address is this
 * gateway's when the port is the listening port and the host is the listening host, or a loopback name or address
 * (localhost, 127.x, ::1) or 0.0.0.0 / :: while it listens on loopback or every interface, or an address literal of
 * this machine's interfaces while it listens on every interface. Host names other than localhost are not resolved
 * (no DNS at start). Port 0 (any free port) is not checked.
 */
final class SelfRoute {
    private SelfRoute() {}

    /** The warnings about bases written in the config that are this gateway's own address ({@code host:port}). */
    static List<String> check(GatewayConfig config, String host, int port) {
        List<String> warnings = new ArrayList<>();
        if (port <= 0) return warnings;
        String at = Launch.httpUrl(host, port);
        for (Deployment d : config.deployments()) {
            // a base from a variable is there only when the config was loaded without this address (check, a test)
            if (d.apiBase() != null && d.apiBaseVariable() == null && isSelf(d.apiBase(), host, port)) {
                warnings.add(d.where() + ": model_list entry '" + d.alias() + "' (" + d.id() + ") has api_base " + d.apiBase()
                        + ", this gateway's own address (listening on " + at + "): its requests come back here as model '"
                        + d.model() + "', which loops unless that name is served by a deployment with another address. "
                        + "Fix: set api_base to the provider's address, unless the detour through this gateway is meant.");
            }
        }
        return warnings;
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
