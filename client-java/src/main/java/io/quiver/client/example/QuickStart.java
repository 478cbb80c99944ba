package io.quiver.client.example;

import io.quiver.client.QuiverClient;
import io.quiver.client.ingest.Ingestor;
import io.quiver.client.query.QueryStream;
import io.quiver.client.query.Row;

import java.time.Instant;
import java.util.Iterator;

/**
 * Creates a table, ingests rows over gRPC and queries them back over Flight SQL.
 * Run against a local server: {@code QuickStart [host] [grpcPort] [flightPort] [token]}.
 */
public final class QuickStart {
    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int grpcPort = args.length > 1 ? Integer.parseInt(args[1]) : 9401;
        int flightPort = args.length > 2 ? Integer.parseInt(args[2]) : 9402;
        QuiverClient.Builder b = QuiverClient.builder(host, grpcPort).flightPort(flightPort);
        if (args.length > 3) {
            b.apiToken(args[3]);
        }
        try (QuiverClient client = b.build()) {
            client.execute("CREATE TABLE IF NOT EXISTS quickstart (ts TIMESTAMP, city VARCHAR, temp DOUBLE)");
            try (Ingestor in = client.newIngestor()) {
                Instant now = Instant.now();
                String[] cities = {"Oslo", "Lima", "Pune"};
                for (int i = 0; i < 300; i++) {
                    in.row("quickstart").set("ts", now.plusMillis(i)).set("city", cities[i % 3]).set("temp", 10 + i % 17).add();
                }
                in.flush();
            }
            try (QueryStream rows = client.query("SELECT city, count(*) AS n, avg(temp) AS avg_temp FROM quickstart "
                    + "WHERE temp > ? GROUP BY city ORDER BY city", 12.0)) {
                for (Iterator<Row> it = rows.rows(); it.hasNext(); ) {
                    Row r = it.next();
                    System.out.printf("%-5s %5d %6.2f%n", r.getString(0), r.getLong(1), r.getDouble(2));
                }
            }
            System.out.println("JDBC: " + client.jdbcUrl());
        }
    }
}
