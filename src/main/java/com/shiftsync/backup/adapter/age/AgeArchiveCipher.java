package com.shiftsync.backup.adapter.age;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import com.shiftsync.backup.domain.ErrorCode;
import com.shiftsync.backup.domain.Redaction;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.port.ArchiveCipher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * age (age-encryption.org/v1) with X25519 recipients, by the jagged library: the format Debian's
 * {@code age -d -i key.txt} reads, so an archive can be decrypted by hand without this
 * product. Encryption streams in age's 64 KiB chunks, so memory stays flat whatever the size.
 * Recipients are checked when this is built, so a wrong BACKUP_ENCRYPTION_RECIPIENTS is refused
 * by name before any backup starts; the identity is got only when an archive is decrypted.
 */
public final class AgeArchiveCipher implements ArchiveCipher {
    private static final String IDENTITY_PREFIX = "AGE-SECRET-KEY-1";

    private final List<String> recipients;
    private final Supplier<String> identity;
    private final String identitySource;

    /**
     * @param recipients     BACKUP_ENCRYPTION_RECIPIENTS, split: {@code age1...} each
     * @param identity       the value of the secret holding the identity, got when an archive is decrypted
     * @param identitySource where that comes from, for messages: "secret 'x' (BACKUP_ENCRYPTION_IDENTITY_SECRET)"
     */
    public AgeArchiveCipher(List<String> recipients, Supplier<String> identity, String identitySource) {
        this.recipients = List.copyOf(recipients);
        this.identity = identity;
        this.identitySource = identitySource;
        for (String r : this.recipients) {
            writer(r);
        }
    }

    @Override
    public List<String> recipients() {
        return recipients;
    }

    @Override
    public Encrypting encrypt(OutputStream stored) {
        KeyPair once;
        try {
            once = new X25519KeyPairGenerator().generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not make the backup's read-back key: "
                    + e.getMessage(), e);
        }
        String onceIdentity = once.getPrivate().toString();
        // it decrypts this archive until the process forgets it: masked wherever it could be written
        Redaction.register(onceIdentity);
        List<RecipientStanzaWriter> writers = new ArrayList<>();
        recipients.forEach(r -> writers.add(writer(r)));
        writers.add(writer(once.getPublic().toString()));
        WritableByteChannel channel;
        try {
            channel = new StandardEncryptingChannelFactory().newEncryptingChannel(Channels.newChannel(stored), writers);
        } catch (GeneralSecurityException | IOException e) {
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not start age encryption: " + e.getMessage(), e);
        }
        OutputStream plaintext = Channels.newOutputStream(channel);
        return new Encrypting() {
            @Override
            public OutputStream plaintext() {
                return plaintext;
            }

            @Override
            public InputStream readBack(InputStream archive) {
                return decrypting(archive, reader(onceIdentity), "this backup's own read-back key");
            }
        };
    }

    @Override
    public InputStream decrypt(InputStream stored, List<String> to) {
        String value;
        try {
            value = identity.get();
        } catch (RuntimeException e) {
            close(stored);
            throw e;
        }
        RecipientStanzaReader reader;
        try {
            reader = reader(identityLine(value));
        } catch (ShiftSyncException e) {
            close(stored);
            throw e;
        }
        try {
            return decrypting(stored, reader, identitySource);
        } catch (ShiftSyncException e) {
            throw new ShiftSyncException(e.code(), e.getMessage() + "; the archive was encrypted to "
                    + String.join(", ", to), e);
        }
    }

    private InputStream decrypting(InputStream stored, RecipientStanzaReader reader, String whose) {
        ReadableByteChannel channel;
        try {
            channel = new StandardDecryptingChannelFactory().newDecryptingChannel(Channels.newChannel(stored),
                    List.of(reader));
        } catch (GeneralSecurityException e) {
            close(stored);
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not decrypt the archive with the identity in "
                    + whose + ": it is not one of the archive's recipients (" + Redaction.redact(e.getMessage()) + ")",
                    e);
        } catch (IOException e) {
            close(stored);
            throw new ShiftSyncException(ErrorCode.JOB_FAILED, "could not read the archive as an age file: "
                    + Redaction.redact(e.getMessage()), e);
        }
        return Channels.newInputStream(channel);
    }

    private static RecipientStanzaWriter writer(String recipient) {
        try {
            return X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw ShiftSyncException.badInput("BACKUP_ENCRYPTION_RECIPIENTS holds '" + recipient + "', which is not "
                    + "an age X25519 recipient: give the public keys age-keygen prints (age1...), comma-separated");
        }
    }

    private RecipientStanzaReader reader(String identityLine) {
        try {
            return X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(identityLine);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw ShiftSyncException.badInput(identitySource + " does not hold an age identity: store the "
                    + IDENTITY_PREFIX + "... line of the key file age-keygen wrote");
        }
    }

    /** The identity's line: a key file pasted whole (with age-keygen's comment lines) works too. */
    private String identityLine(String value) {
        for (String line : value.split("\\R")) {
            if (line.strip().startsWith(IDENTITY_PREFIX)) {
                Redaction.register(line.strip());
                return line.strip();
            }
        }
        throw ShiftSyncException.badInput(identitySource + " does not hold an age identity: store the "
                + IDENTITY_PREFIX + "... line of the key file age-keygen wrote");
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the failure being reported is the one that matters
        }
    }
}
