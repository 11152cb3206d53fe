package com.shiftsync.backup.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.domain.Json;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.Reporter;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How HTTP functions answer: JSON in every case, errors as
 * {@code {"error": {"code", "message"}}} (plus {@code upstreamCode}, the code Resource
 * Manager or another service gave) with the status the {@link ErrorCode} fixes, and the
 * refusal or failure reported as an event. A caller never sees a stack trace; an
 * unexpected failure is a 500 that names the invocation, and its detail goes to the log only.
 */
final class HttpAnswers {
    private HttpAnswers() {
    }

    /** 200 with {@code work}'s result as JSON, or the error. */
    static HttpResponseMessage ok(HttpRequestMessage<?> request, ExecutionContext context, Reporter reporter,
                                  String refusedEvent, String failedEvent, Map<String, Object> logContext,
                                  Supplier<Object> work) {
        try {
            return json(request, 200, work.get());
        } catch (RuntimeException e) {
            return error(request, context, reporter, refusedEvent, failedEvent, logContext, e);
        }
    }

    /** 202 with the operation id and where to follow it, {@code /api/restores/<id>} (also in Location). */
    static HttpResponseMessage accepted(HttpRequestMessage<?> request, String operationId, Map<String, Object> body) {
        return accepted(request, "restores", operationId, body);
    }

    /** 202 with the operation id and where to follow it, {@code /api/<route>/<id>} (also in Location). */
    static HttpResponseMessage accepted(HttpRequestMessage<?> request, String route, String operationId,
                                        Map<String, Object> body) {
        String statusUrl = statusUrl(request.getUri(), route, operationId);
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("operationId", operationId);
        all.put("statusUrl", statusUrl);
        all.putAll(body);
        return request.createResponseBuilder(status(202))
                .header("Content-Type", "application/json")
                .header("Location", statusUrl)
                .header("Retry-After", "60")
                .body(Redaction.redact(Json.write(all)))
                .build();
    }

    /**
     * The error answer; reports {@code refusedEvent} (WARNING) for the caller's mistakes and
     * {@code failedEvent} (SEVERE) for failures, unless the job already reported its failure.
     */
    static HttpResponseMessage error(HttpRequestMessage<?> request, ExecutionContext context, Reporter reporter,
                                     String refusedEvent, String failedEvent, Map<String, Object> logContext,
                                     RuntimeException e) {
        ShiftSyncException error;
        if (e instanceof ShiftSyncException sse) {
            error = sse;
        } else {
            reporter.event(Event.failed(failedEvent, logContext, e));
            error = new ShiftSyncException(ErrorCode.JOB_FAILED, "internal error in " + context.getFunctionName()
                    + " (invocation " + context.getInvocationId() + "); the function's log has the detail");
        }
        int status = error.code().httpStatus();
        if (status < 500) {
            reporter.event(Event.failed(refusedEvent, logContext, error).at(Event.Level.WARNING));
        } else if (e instanceof ShiftSyncException) {
            reporter.event(Event.failed(failedEvent, logContext, error));
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("code", error.code().id());
        detail.put("message", error.getMessage());
        if (error.upstreamCode() != null) {
            detail.put("upstreamCode", error.upstreamCode());
        }
        return json(request, status, Map.of("error", detail));
    }

    /**
     * 200 with an HTML page under {@code policy} (its Content-Security-Policy); never cached,
     * never framed, never sniffed as anything else.
     */
    static HttpResponseMessage html(HttpRequestMessage<?> request, String body, String policy) {
        return request.createResponseBuilder(status(200))
                .header("Content-Type", "text/html; charset=utf-8")
                .header("Content-Security-Policy", policy)
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-store")
                .body(body)
                .build();
    }

    static HttpResponseMessage json(HttpRequestMessage<?> request, int status, Object body) {
        return request.createResponseBuilder(status(status))
                .header("Content-Type", "application/json")
                .body(Redaction.redact(Json.write(body)))
                .build();
    }

    /** {@code https://<host>/api/<route>/<id>}: the same host the caller reached. */
    static String statusUrl(URI requestUri, String route, String operationId) {
        String base = requestUri == null || requestUri.getScheme() == null || requestUri.getRawAuthority() == null
                ? "" : requestUri.getScheme() + "://" + requestUri.getRawAuthority();
        return base + "/api/" + route + "/" + operationId;
    }

    private static HttpStatusType status(int code) {
        return HttpStatusType.custom(code);
    }
}
