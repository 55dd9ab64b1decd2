namespace Flujo.Api.Dashboard;

/// <summary>What <see cref="DashboardSite.Get"/> needs from a GET request, bound by the host.</summary>
public sealed class DashboardRequest
{
    /// <summary>The file's path under the dashboard's root: empty for the page, <c>assets/app.js</c> for a file.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>The URL path as requested (<c>/api/dashboard</c>), for the redirect to the root with a trailing slash.</summary>
    public string RequestPath { get; init; } = "/";

    /// <summary>The raw query string with its <c>?</c> (or empty), kept on a redirect.</summary>
    public string QueryString { get; init; } = string.Empty;

    /// <summary>The <c>code</c> query parameter: the function key the page was opened with (Functions app), if any.</summary>
    public string? Code { get; init; }

    /// <summary>The <c>v</c> query parameter: the file version the page linked to.</summary>
    public string? Version { get; init; }

    /// <summary>The <c>If-None-Match</c> header.</summary>
    public string? IfNoneMatch { get; init; }
}
