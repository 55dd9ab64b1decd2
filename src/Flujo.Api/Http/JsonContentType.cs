using System.Net.Http.Headers;

namespace Flujo.Api.Http;

/// <summary>Which <c>Content-Type</c> values a JSON body may come with.</summary>
public static class JsonContentType
{
    /// <summary>
    /// True for <c>application/json</c>, <c>text/json</c> and any <c>*/*+json</c> type, with no charset or a UTF-8 one
    /// (<c>utf-8</c>, <c>utf8</c>). Anything else, including a header that does not parse, is false (415).
    /// </summary>
    public static bool IsJson(string contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is not { } mediaType) return false;
        var json = mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        var charset = parsed.CharSet?.Trim('"');
        return json && (string.IsNullOrEmpty(charset)
            || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));
    }
}
