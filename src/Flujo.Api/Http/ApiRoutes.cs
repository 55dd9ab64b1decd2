namespace Flujo.Api.Http;

/// <summary>
/// The API's routes (method and template below the <c>api/</c> prefix), for the answers routing gives when none matches:
/// 404 with the list of routes, or 405 with the methods the path does answer.
/// </summary>
public static class ApiRoutes
{
    /// <summary>Every route, in the order the docs list them.</summary>
    public static readonly IReadOnlyList<(string Method, string Template)> All =
    [
        ("POST", "pipelines/{name}/runs"),
        ("GET", "runs"),
        ("GET", "runs/{id}"),
        ("GET", "runs/{id}/timeline"),
        ("POST", "runs/{id}/cancel"),
        ("POST", "runs/{id}/resume"),
        ("GET", "pipelines"),
    ];

    /// <summary>The routes as text: <c>POST /api/pipelines/{name}/runs, GET /api/runs/{id}, …</c>.</summary>
    public static string Describe()
    {
        var routes = All.Select(r => $"{r.Method} /api/{r.Template}").ToList();
        return $"{string.Join(", ", routes[..^1])} and {routes[^1]}";
    }

    /// <summary>
    /// The methods of the routes whose template matches <paramref name="path"/> (below the <c>api/</c> prefix; a
    /// <c>{parameter}</c> matches one non-empty segment), comma separated for an <c>Allow</c> header; null when none does.
    /// </summary>
    public static string? AllowedMethods(string path)
    {
        var segments = path.Trim('/').Split('/');
        var methods = All.Where(r => Matches(r.Template.Split('/'), segments)).Select(r => r.Method).Distinct().ToList();
        return methods.Count == 0 ? null : string.Join(", ", methods);
    }

    private static bool Matches(string[] template, string[] segments) =>
        template.Length == segments.Length &&
        template.Zip(segments).All(pair => pair.Second.Length > 0 &&
            (pair.First.StartsWith('{') || string.Equals(pair.First, pair.Second, StringComparison.OrdinalIgnoreCase)));
}
