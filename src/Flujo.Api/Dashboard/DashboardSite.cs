using System.Security.Cryptography;
using System.Text;
using Flujo.Api.Http;

namespace Flujo.Api.Dashboard;

/// <summary>
/// The live run dashboard, host-neutral: its page and files ship inside this assembly (embedded resources, nothing from a
/// CDN), and every answer (content type, caching, security headers, redirect, 304, 404) is decided here; hosts map one route
/// onto <see cref="Get"/> and copy the <see cref="ApiResponse"/> out. The page talks to the run API at <c>apiBase</c>,
/// relative to the dashboard's own address (<c>flujo serve</c>: the dashboard at <c>/</c>, the API at <c>api/</c>; the
/// Functions app: the dashboard at <c>/api/dashboard/</c>, the API at <c>../</c>).
/// </summary>
public sealed class DashboardSite
{
    /// <summary>
    /// Only the dashboard's own files run and load: no inline script or style, no other origin, no framing, no form posts.
    /// Styles set from script through the CSSOM (the latency bars' widths) are not affected.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>How long a file asked for by its current version (<c>?v=</c>) may be cached: it never changes under that URL.</summary>
    private const string ImmutableCache = "private, max-age=31536000, immutable";

    /// <summary>The page and files asked for without their version are revalidated each time (ETag, 304).</summary>
    private const string RevalidateCache = "private, no-cache";

    private const string ResourcePrefix = "flujo-dashboard/";
    private const string IndexName = "index.html";

    private static readonly Lazy<IReadOnlyDictionary<string, DashboardFile>> Files = new(LoadFiles);

    private readonly string _index;

    /// <param name="apiBase">The run API's address relative to the dashboard's (ends with <c>/</c>), e.g. <c>api/</c> or <c>../</c>.</param>
    public DashboardSite(string apiBase)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiBase);
        if (!apiBase.EndsWith('/') || apiBase.Contains("//", StringComparison.Ordinal) || apiBase.Contains(':') || apiBase.StartsWith('/'))
            throw new ArgumentException($"apiBase must be a relative path ending with '/', such as 'api/' or '../'; got '{apiBase}'.", nameof(apiBase));
        var index = Encoding.UTF8.GetString(Files.Value[IndexName].Bytes).Replace("{{api}}", apiBase, StringComparison.Ordinal);
        foreach (var (name, file) in Files.Value)
            index = index.Replace("{{v:" + name + "}}", file.Version, StringComparison.Ordinal);
        _index = index;
    }

    /// <summary>The names of the files under the dashboard's root (<c>index.html</c>, <c>assets/app.js</c>, ...).</summary>
    public static IReadOnlyCollection<string> FileNames => (IReadOnlyCollection<string>)Files.Value.Keys;

    /// <summary>
    /// Answers a GET of <paramref name="request"/>: the page (for an empty path or <c>index.html</c>), with the caller's
    /// function key carried into its file links; a file under <c>assets/</c>; a redirect to the root with a trailing slash
    /// (relative links need it); 304 when <c>If-None-Match</c> names the current ETag; else a 404 problem.
    /// </summary>
    public ApiResponse Get(DashboardRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path.TrimStart('/');
        if (path.Length == 0 && !request.RequestPath.EndsWith('/'))
        {
            var redirect = ApiResponse.Bytes(308, [], "text/plain; charset=utf-8");
            redirect.Headers["Location"] = request.RequestPath + "/" + request.QueryString;
            return redirect;
        }

        if (path.Length == 0 || path == IndexName)
        {
            var page = Encoding.UTF8.GetBytes(_index.Replace("{{code}}", CodeParameter(request.Code), StringComparison.Ordinal));
            return Answer(page, "text/html; charset=utf-8", ETag(page), RevalidateCache, request.IfNoneMatch);
        }

        if (path.StartsWith("assets/", StringComparison.Ordinal) && Files.Value.TryGetValue(path, out var file))
        {
            var cache = request.Version == file.Version ? ImmutableCache : RevalidateCache;
            return Answer(file.Bytes, file.ContentType, file.ETag, cache, request.IfNoneMatch);
        }

        return Problems.RouteNotFound("GET", request.RequestPath);
    }

    /// <summary>
    /// <c>&amp;code=…</c> for the page's file links when it was opened with a function key, so the browser can fetch them
    /// from a function that requires the key. Percent-escaping leaves only characters that are inert in an HTML attribute.
    /// </summary>
    private static string CodeParameter(string? code) =>
        string.IsNullOrEmpty(code) ? string.Empty : "&amp;code=" + Uri.EscapeDataString(code);

    private static ApiResponse Answer(byte[] content, string contentType, string etag, string cacheControl, string? ifNoneMatch)
    {
        var notModified = ifNoneMatch is not null && ifNoneMatch.Split(',').Any(tag => tag.Trim() == etag || tag.Trim() == "*");
        var response = ApiResponse.Bytes(notModified ? 304 : 200, notModified ? [] : content, contentType);
        response.Headers["ETag"] = etag;
        response.Headers["Cache-Control"] = cacheControl;
        response.Headers["Content-Security-Policy"] = ContentSecurityPolicy;
        response.Headers["X-Content-Type-Options"] = "nosniff";
        // The page's URL may carry a function key: never send it to anyone in a Referer.
        response.Headers["Referrer-Policy"] = "no-referrer";
        return response;
    }

    private static string ETag(byte[] content) => $"\"{Hash(content)}\"";

    private static string Hash(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content))[..16];

    private static IReadOnlyDictionary<string, DashboardFile> LoadFiles()
    {
        var assembly = typeof(DashboardSite).Assembly;
        var files = new Dictionary<string, DashboardFile>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal)) continue;
            var name = resource[ResourcePrefix.Length..].Replace('\\', '/');
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var hash = Hash(bytes);
            files[name] = new DashboardFile(bytes, ContentTypeOf(name), hash, $"\"{hash}\"");
        }
        if (!files.ContainsKey(IndexName))
            throw new InvalidOperationException($"The dashboard's {IndexName} is not embedded in {assembly.GetName().Name}; the build is broken.");
        return files;
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    private sealed record DashboardFile(byte[] Bytes, string ContentType, string Version, string ETag);
}
