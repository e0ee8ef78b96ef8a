package org.lorapipe.console.api;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.lorapipe.console.config.ConsoleConfig;
import org.lorapipe.console.storage.DownloadLinks;
import org.lorapipe.storage.ObjectInfo;
import org.lorapipe.storage.ObjectStore;

/**
 * Streams a published file from the bucket to the browser, for a link the console signed
 * ({@link DownloadLinks}); no bearer token, the signature is the permission. At most
 * {@code lora.console.max-download-bytes}; streamed, never held in memory. SVG charts are shown inline
 * (sandboxed: a chart cannot run script), everything else is an attachment.
 */
@Path("/download")
@Tag(name = "downloads", description = "Files of a run or a sweep, behind links the console signed")
public class DownloadResource {
    private final ObjectStore store;
    private final DownloadLinks links;
    private final ConsoleConfig config;

    public DownloadResource(ObjectStore store, DownloadLinks links, ConsoleConfig config) {
        this.store = store;
        this.links = links;
        this.config = config;
    }

    @GET
    @Path("/{key: .+}")
    @PermitAll
    @Operation(summary = "A file behind a signed link")
    public Response download(
            @PathParam("key") String key, @QueryParam("expires") long expires, @QueryParam("sig") String sig) {
        if (!links.valid(key, expires, sig)) {
            return Response.status(Response.Status.FORBIDDEN)
                    .entity("this link is not valid or has expired: open the run's page again for a new one")
                    .type("text/plain")
                    .build();
        }
        Optional<ObjectInfo> info = store.stat(store.uri(key));
        if (info.isEmpty()) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        long size = info.get().size();
        if (size > config.maxDownloadBytes()) {
            return Response.status(413)
                    .entity("the file has " + size + " bytes, more than lora.console.max-download-bytes ("
                            + config.maxDownloadBytes() + "): pull it with `lora pull` or from the bucket")
                    .type("text/plain")
                    .build();
        }
        String name = key.substring(key.lastIndexOf('/') + 1);
        StreamingOutput body = out -> {
            try (InputStream in = store.get(store.uri(key))) {
                in.transferTo(out);
            }
        };
        boolean svg = name.toLowerCase(Locale.ROOT).endsWith(".svg");
        return Response.ok(body)
                .type(svg ? "image/svg+xml" : contentType(name))
                .header("Content-Length", size)
                .header("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'")
                .header("X-Content-Type-Options", "nosniff")
                .header(
                        "Content-Disposition",
                        (svg ? "inline" : "attachment") + "; filename=\"" + name.replaceAll("[^A-Za-z0-9._-]", "_")
                                + "\"")
                .build();
    }

    private static String contentType(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".json")) {
            return "application/json";
        }
        if (n.endsWith(".md") || n.endsWith(".jinja") || n.equals("sha256sums")) {
            return "text/plain; charset=utf-8";
        }
        return "application/octet-stream";
    }
}
