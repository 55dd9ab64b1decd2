using System.Net.Http.Headers;

namespace Flujo.Api.Http;

/// <summary>
/// Which <c>Content-Type</c> values a request body may come with. The body is always read as JSON, whatever the media type
/// (so <c>curl -d</c>, which says <c>application/x-www-form-urlencoded</c>, and clients that say <c>text/plain</c> work); only a
/// declared character set other than UTF-8 is refused (415), as the body would be misread.
/// </summary>
public static class JsonContentType
{
    /// <summary>True unless <paramref name="contentType"/> parses and names a charset other than <c>utf-8</c>, <c>utf8</c> or <c>us-ascii</c>.</summary>
    public static bool IsAcceptable(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var parsed)) return true;
        var charset = parsed.CharSet?.Trim('"');
        return string.IsNullOrEmpty(charset)
            || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
            || charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase);
    }
}
