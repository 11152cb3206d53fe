package com.shiftsync.backup.testing;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A PostgreSQL server an attacker would run, on a loopback address: it accepts TLS with a
 * certificate no Azure root signed (the loopback test certificate), asks every client for its
 * password in clear text (AuthenticationCleartextPassword), and records every connection and
 * every password it is sent. A test points a stored record, or Resource Manager, at it and
 * shows the app sends it nothing.
 */
public final class PasswordTrap implements AutoCloseable {
    private final ServerSocket listener;
    private final List<String> connections = Collections.synchronizedList(new ArrayList<>());
    private final List<String> passwords = Collections.synchronizedList(new ArrayList<>());
    private final SSLContext tls;
    private final Thread acceptor;

    /** Listening on {@code address}:{@code port} (the port DATABASE_URL names, so a host swap alone reaches it). */
    public PasswordTrap(String address, int port) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = java.nio.file.Files.newInputStream(HttpsFake.TLS.resolve("loopback-server.p12"))) {
                keys.load(in, "changeit".toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "changeit".toCharArray());
            tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);
            listener = new ServerSocket(port, 50, InetAddress.getByName(address));
        } catch (Exception e) {
            throw new IllegalStateException("could not start the password trap: " + e, e);
        }
        acceptor = new Thread(this::serve, "password-trap");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Every connection it accepted (its peer). */
    public List<String> connections() {
        return List.copyOf(connections);
    }

    /** Every password a client sent it. */
    public List<String> passwords() {
        return List.copyOf(passwords);
    }

    private void serve() {
        while (!listener.isClosed()) {
            try (Socket client = listener.accept()) {
                connections.add(String.valueOf(client.getRemoteSocketAddress()));
                handle(client);
            } catch (IOException e) {
                // a client that gave up (a failed TLS check) or the listener closing: record nothing more
            }
        }
    }

    private void handle(Socket plain) throws IOException {
        DataInputStream in = new DataInputStream(plain.getInputStream());
        DataOutputStream out = new DataOutputStream(plain.getOutputStream());
        int length = in.readInt();
        int code = in.readInt();
        Socket socket = plain;
        if (code == 80877103) {
            // SSLRequest: yes, and TLS with a certificate no Azure root signed
            out.write('S');
            out.flush();
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, null, plain.getPort(), false);
            secure.setUseClientMode(false);
            secure.startHandshake();
            socket = secure;
            in = new DataInputStream(socket.getInputStream());
            out = new DataOutputStream(socket.getOutputStream());
            length = in.readInt();
            in.readInt();
        }
        in.readNBytes(length - 8);
        // AuthenticationCleartextPassword
        out.write('R');
        out.writeInt(8);
        out.writeInt(3);
        out.flush();
        if (in.read() == 'p') {
            int n = in.readInt();
            byte[] password = in.readNBytes(n - 4);
            passwords.add(new String(password, 0, Math.max(0, password.length - 1), StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
