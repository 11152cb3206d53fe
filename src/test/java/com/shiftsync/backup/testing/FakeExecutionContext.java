package com.shiftsync.backup.testing;

import com.microsoft.azure.functions.ExecutionContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The Functions host's ExecutionContext for a function called as a method: its log lines are kept. */
public final class FakeExecutionContext implements ExecutionContext {
    private final String functionName;
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    public FakeExecutionContext(String functionName) {
        this.functionName = functionName;
        this.logger = Logger.getAnonymousLogger();
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.ALL);
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                RawLogRecords.record(record);
                records.add(record);
                CapturedOutput.record(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public Logger getLogger() {
        return logger;
    }

    @Override
    public String getInvocationId() {
        return "test-invocation";
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    public List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    public List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).toList();
    }
}
