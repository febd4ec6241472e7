import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The smallest OTLP/HTTP receiver: answers 200 (an empty protobuf ExportTraceServiceResponse) to every POST and counts
 * the bytes, so the gateway's exporter runs its whole path in bench/run.sh's "full" row and bench/profile.sh.
 * Run as a single-file program: {@code java bench/OtlpSink.java PORT}.
 */
public class OtlpSink {
    public static void main(String[] args) throws Exception {
        AtomicLong bytes = new AtomicLong(), posts = new AtomicLong();
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 64);
        s.createContext("/", ex -> {
            try (ex) {
                bytes.addAndGet(ex.getRequestBody().readAllBytes().length);
                posts.incrementAndGet();
                ex.getResponseHeaders().set("content-type", "application/x-protobuf");
                ex.sendResponseHeaders(200, -1);
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
                System.out.println("OTLP sink: " + posts.get() + " posts, " + bytes.get() + " bytes")));
        s.start();
    }
}
