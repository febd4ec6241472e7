package dev.switchboard.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy to PostgreSQL that can be cut: its connections aborted, new ones refused, until restored — the store down for
 * one gateway without stopping the machine's PostgreSQL (GrantFencePostgresIT, StoredResponsesUnreachablePostgresIT).
 */
public final class CuttableProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String host;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    /** Connections stay up, and new ones are taken, but nothing passes either way. */
    private volatile boolean blackholed;
    /** Added before each chunk is passed on, both ways: a store far away, or busy. */
    public volatile long delayMillis;

    public CuttableProxy(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    public int port() { return server.getLocalPort(); }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (cut) {
                    client.setSoLinger(true, 0);
                    client.close();
                    continue;
                }
                Socket upstream = new Socket(host, port);
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> pipe(client, upstream));
                Thread.ofVirtual().start(() -> pipe(upstream, client));
            } catch (IOException e) {
                // closed, or one connection failed
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        byte[] buf = new byte[16_384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (blackholed) continue; // TCP up, nothing passed on: a link gone silent
                long delay = delayMillis;
                if (delay > 0) Thread.sleep(delay);
                out.write(buf, 0, n);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // cut, or closed by either side
        } finally {
            abort(from);
            abort(to);
        }
    }

    private void abort(Socket s) {
        open.remove(s);
        try {
            s.setSoLinger(true, 0); // a reset, as a dropped NAT entry or a restarted pooler gives
            s.close();
        } catch (IOException e) {
            // gone already
        }
    }

    public void cut() {
        cut = true;
        for (Socket s : open) abort(s);
    }

    public void blackhole() { blackholed = true; }

    public void restore() {
        cut = false;
        blackholed = false;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) abort(s);
    }
}
