// A plain-HTTP client of `tuanthu serve` in Java 11+ (java.net.http, no dependencies).
//
//   javac -d /tmp/tt examples/java/TuanthuClient.java
//   java -cp /tmp/tt TuanthuClient http://127.0.0.1:8080 TOKEN vinh-long-144-KH-UBND 2026-11-23
//
// Fetches the plan's report as the contract's JSON and prints the status, the audit id it was
// recorded under and the summary line; with a submitter token and a fifth argument
// (a submission as JSON), files it first with an Idempotency-Key so a retry is safe.

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

public class TuanthuClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    TuanthuClient(String base, String token) {
        this.base = base.replaceAll("/+$", "");
        this.token = token;
    }

    /** Files one submission (JSON of tuanthu::model::Submission); returns the acknowledgement. */
    String submit(String plan, String submissionJson) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v1/plans/" + enc(plan) + "/submissions"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(submissionJson, StandardCharsets.UTF_8))
                .build();
        return check(http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
    }

    /** The report as of a date (yyyy-mm-dd), as the contract's JSON. */
    HttpResponse<String> report(String plan, String asOf) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(
                        base + "/v1/plans/" + enc(plan) + "/report?format=json&as_of=" + enc(asOf)))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        check(resp);
        return resp;
    }

    private static String check(HttpResponse<String> resp) {
        if (resp.statusCode() >= 400) {
            // The body is the contract's error object: {"kind", "file", "line", "field", "message"}.
            throw new IllegalStateException("HTTP " + resp.statusCode() + ": " + resp.body());
        }
        return resp.body();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: TuanthuClient URL TOKEN PLAN_ID AS_OF [SUBMISSION_JSON]");
            System.exit(2);
        }
        TuanthuClient c = new TuanthuClient(args[0], args[1]);
        if (args.length > 4) {
            System.out.println("stored: " + c.submit(args[2], args[4]));
        }
        HttpResponse<String> r = c.report(args[2], args[3]);
        String body = r.body();
        int i = body.indexOf("\"summary\"");
        System.out.println("HTTP " + r.statusCode() + ", audit " + r.headers().firstValue("x-audit-id").orElse("?")
                + ", " + body.length() + " bytes");
        System.out.println(i >= 0 ? body.substring(i, Math.min(body.length(), i + 300)).replaceAll("\\s+", " ") : body);
    }
}
