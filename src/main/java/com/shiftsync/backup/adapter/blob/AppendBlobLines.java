package com.shiftsync.backup.adapter.blob;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.AppendBlobItem;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.AppendBlobCreateOptions;
import com.azure.storage.blob.specialized.AppendBlobClient;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lines of JSON in append blobs, one line per block: each append is atomic, so concurrent
 * writers (timers, queue workers, CLI runs) never interleave within a line. The lines of one
 * period (a day of the audit log, a month of the history) go to {@code <base>.jsonl}; an
 * append blob takes at most 50,000 blocks, so a full one continues in {@code <base>.2.jsonl},
 * {@code <base>.3.jsonl}, ... The one home of this mechanism for {@link BlobAuditLog} and
 * {@link BlobHistoryLog}, which name the periods and read the lines.
 */
final class AppendBlobLines {
    /** The service's own limit of blocks in one append blob. */
    static final int MAX_BLOCKS = 50_000;
    private static final Pattern PART = Pattern.compile("^.*?(?:\\.(\\d+))?\\.jsonl$");

    private final BlobContainerClient container;
    private final int blocksPerBlob;
    private final int maxParts;
    private final Duration timeout;
    private final String what;
    private String currentBase;
    private int currentPart = 1;

    /**
     * @param blocksPerBlob lines per blob before the next part is started (tests use a few)
     * @param maxParts      parts of one period before appends are refused
     * @param timeout       bounds each call, retries included
     * @param what          for messages: "audit blob", "history blob"
     */
    AppendBlobLines(BlobContainerClient container, int blocksPerBlob, int maxParts, Duration timeout, String what) {
        if (blocksPerBlob < 1 || blocksPerBlob > MAX_BLOCKS) {
            throw new IllegalArgumentException("blocksPerBlob must be 1 to " + MAX_BLOCKS);
        }
        this.container = container;
        this.blocksPerBlob = blocksPerBlob;
        this.maxParts = maxParts;
        this.timeout = timeout;
        this.what = what;
    }

    /** Appends {@code line} (no newline) to the period {@code base}, in its first part with room. */
    synchronized void append(String base, String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        int part = base.equals(currentBase) ? currentPart : 1;
        for (int tries = 0; tries < maxParts; tries++) {
            AppendBlobClient blob = container.getBlobClient(name(base, part)).getAppendBlobClient();
            try {
                AppendBlobItem item = appendTo(blob, bytes);
                Integer blocks = item.getBlobCommittedBlockCount();
                currentBase = base;
                currentPart = blocks != null && blocks >= blocksPerBlob ? part + 1 : part;
                return;
            } catch (BlobStorageException e) {
                if (BlobErrorCode.BLOCK_COUNT_EXCEEDS_LIMIT.equals(e.getErrorCode())) {
                    part++;
                    continue;
                }
                throw failure(base, part, e);
            } catch (RuntimeException e) {
                throw failure(base, part, e);
            }
        }
        throw new ShiftSyncException(ErrorCode.JOB_FAILED, "the " + what + "s of " + base + " in Blob container "
                + container.getBlobContainerName() + " have " + maxParts + " full parts; no line could be added");
    }

    /**
     * Every line of the period {@code base}, its parts in order, blank lines left out; each
     * with the blob it came from (for a warning about a line that cannot be read).
     */
    List<Line> read(String base) {
        List<BlobItem> parts = new ArrayList<>();
        for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(base + "."), timeout)) {
            if (item.getName().endsWith(".jsonl") && (item.getName().equals(name(base, 1))
                    || item.getName().matches(Pattern.quote(base) + "\\.\\d+\\.jsonl"))) {
                parts.add(item);
            }
        }
        parts.sort(Comparator.comparingInt(item -> partOf(item.getName())));
        List<Line> lines = new ArrayList<>();
        for (BlobItem item : parts) {
            String text = container.getBlobClient(item.getName())
                    .downloadContentWithResponse(null, null, timeout, null).getValue().toString();
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    lines.add(new Line(item.getName(), line));
                }
            }
        }
        return lines;
    }

    /** One line and the blob it was read from. */
    record Line(String blob, String text) {
    }

    static String name(String base, int part) {
        return base + (part == 1 ? "" : "." + part) + ".jsonl";
    }

    private static int partOf(String name) {
        Matcher m = PART.matcher(name);
        return m.matches() && m.group(1) != null ? Integer.parseInt(m.group(1)) : 1;
    }

    private AppendBlobItem appendTo(AppendBlobClient blob, byte[] line) {
        try {
            return appendBlock(blob, line);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 404) {
                throw e;
            }
            blob.createIfNotExistsWithResponse(new AppendBlobCreateOptions()
                    .setHeaders(new BlobHttpHeaders().setContentType("application/x-ndjson")), timeout, null);
            return appendBlock(blob, line);
        }
    }

    private AppendBlobItem appendBlock(AppendBlobClient blob, byte[] line) {
        return blob.appendBlockWithResponse(new ByteArrayInputStream(line), line.length, null, null, timeout, null)
                .getValue();
    }

    private ShiftSyncException failure(String base, int part, RuntimeException e) {
        return StorageErrors.failure("could not append to " + what + " " + container.getBlobContainerName() + "/"
                + name(base, part), e);
    }
}
