using Microsoft.Extensions.Configuration;

namespace Flujo.Cli;

/// <summary>
/// The configuration of <c>flujo run</c>, <c>serve</c>, <c>worker</c> and <c>runs</c>, later sources winning:
/// <list type="number">
/// <item><c>appsettings.json</c> in the current folder (optional);</item>
/// <item>environment variables, with <c>__</c> for <c>:</c> as Microsoft.Extensions.Configuration reads them, e.g.
/// <c>Flujo__Connections__default__ApiKey</c>: the same names as the Functions app's app settings.</item>
/// </list>
/// Connections live under <c>Flujo:Connections:&lt;name&gt;</c> (Endpoint, ApiKey, Model, Provider, UseManagedIdentity).
/// </summary>
internal static class CliConfiguration
{
    public const string FileName = "appsettings.json";

    public static IConfigurationRoot Build(string? folder = null) => new ConfigurationBuilder()
        .SetBasePath(folder ?? Directory.GetCurrentDirectory())
        .AddJsonFile(FileName, optional: true, reloadOnChange: false)
        .AddEnvironmentVariables()
        .Build();
}
