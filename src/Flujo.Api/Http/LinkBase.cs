namespace Flujo.Api.Http;

/// <summary>
/// Where the links a response carries may point: a configured public base, or the request's <c>Host</c> only when it is a valid
/// host. Nothing a client sends is copied into a link without passing these checks.
/// </summary>
public static class LinkBase
{
    /// <summary>
    /// The base for <paramref name="host"/> (a <c>Host</c> header value), or null when it is not a valid host: a DNS name (labels of
    /// ASCII letters, digits and inner hyphens, 1–63 characters each, 253 in all), an IPv4 address or a bracketed IPv6 address,
    /// optionally with a port 1–65535, and nothing else (no user info, path, query or fragment).
    /// </summary>
    public static Uri? FromHost(string scheme, string? host)
    {
        if (string.IsNullOrEmpty(host) || scheme is not ("http" or "https")) return null;
        if (!Uri.TryCreate($"{scheme}://{host}/", UriKind.Absolute, out var uri)) return null;
        if (uri.UserInfo.Length > 0 || uri.PathAndQuery != "/" || uri.Fragment.Length > 0) return null;
        if (!string.Equals(uri.Authority, host, StringComparison.OrdinalIgnoreCase) && !string.Equals($"{uri.Host}:{uri.Port}", host, StringComparison.OrdinalIgnoreCase)) return null;
        if (uri.Port is < 1 or > 65535) return null;
        var valid = uri.HostNameType switch
        {
            UriHostNameType.IPv4 or UriHostNameType.IPv6 => true,
            UriHostNameType.Dns => IsDnsName(uri.Host),
            _ => false,
        };
        return valid ? new Uri(uri.GetLeftPart(UriPartial.Authority) + "/") : null;
    }

    /// <summary>Checks a configured base: an absolute http(s) URI with a host and no user info, path, query or fragment.</summary>
    /// <exception cref="ArgumentException">It is not such a URI; the message says what is wrong.</exception>
    public static Uri Validate(Uri configured, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(configured);
        if (!configured.IsAbsoluteUri || configured.Scheme is not ("http" or "https") || string.IsNullOrEmpty(configured.Host))
            throw new ArgumentException($"The value for {parameterName} must be an absolute http or https URI, not '{configured}'.", parameterName);
        if (configured.UserInfo.Length > 0 || configured.AbsolutePath != "/" || configured.Query.Length > 0 || configured.Fragment.Length > 0)
            throw new ArgumentException($"The value for {parameterName} must be only scheme, host and port (such as https://flujo.example.com/), not '{configured}'.", parameterName);
        return new Uri(configured.GetLeftPart(UriPartial.Authority) + "/");
    }

    private static bool IsDnsName(string host)
    {
        if (host.Length is 0 or > 253) return false;
        foreach (var label in host.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            foreach (var c in label)
                if (!char.IsAsciiLetterOrDigit(c) && c != '-') return false;
        }
        return true;
    }
}
