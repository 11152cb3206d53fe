package com.shiftsync.backup.testing;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Resource Manager fake and the managed identity the app reaches it with, for a test
 * class: {@code @RegisterExtension static final AzureFakes azure = new AzureFakes();}.
 * Both start with the class and stop after it; before each test the Resource Manager fake
 * forgets its stubs and requests.
 */
public final class AzureFakes implements BeforeEachCallback, AfterAllCallback {
    /** Resource Manager tuning for the fakes: one retry 50 to 200 ms apart, 5 s a try, 20 s a call. */
    public static final com.shiftsync.backup.adapter.azure.ArmServerAdmin.Tuning TUNING =
            new com.shiftsync.backup.adapter.azure.ArmServerAdmin.Tuning(1, java.time.Duration.ofMillis(50),
                    java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(20));
    public final ArmFake arm = new ArmFake();
    public final ManagedIdentityFake identity = new ManagedIdentityFake();

    /** The settings that point the app at these fakes: the source server, Resource Manager, the identity. */
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("AZURE_SUBSCRIPTION_ID", ArmFake.SUBSCRIPTION);
        s.put("POSTGRES_RESOURCE_GROUP", ArmFake.RESOURCE_GROUP);
        s.put("POSTGRES_SERVER_NAME", ArmFake.SOURCE);
        s.put("AZURE_RESOURCE_MANAGER_ENDPOINT", arm.endpoint());
        s.put("POSTGRES_SERVER_DOMAIN", TestCa.DOMAIN);
        s.put("POSTGRES_ROOT_CERT_FILE", TestCa.shared().certificate().toString());
        s.putAll(identity.settings());
        return s;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        arm.reset();
    }

    /** After the class that registered the fakes: its @Nested classes inherit them and end before it. */
    @Override
    public void afterAll(ExtensionContext context) {
        if (!context.getRequiredTestClass().isAnnotationPresent(Nested.class)) {
            arm.close();
            identity.close();
        }
    }
}
