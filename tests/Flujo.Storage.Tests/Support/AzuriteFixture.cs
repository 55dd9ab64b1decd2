using System.Collections.Concurrent;
using Flujo.Hosting.Storage;

namespace Flujo.Storage.Tests.Support;

/// <summary>
/// Azurite for the whole test assembly: the one already listening on 127.0.0.1:10000-10002, or the project's pinned
/// Azurite started here (data in memory, loopback only) and stopped with SIGTERM at the end.
/// Every test class gets its own task hub name, new on every test run.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<Type, string> _hubs = new();
    private readonly string _runSuffix = Guid.NewGuid().ToString("N")[..8];
    private AzuriteLauncher? _launcher;

    public string ConnectionString => AzuriteLauncher.ConnectionString;

    public AzuriteLauncher Launcher => _launcher ?? throw new InvalidOperationException("Azurite is not started.");

    /// <summary>The task hub of <paramref name="testClass"/>: letters and digits, at most 45 characters, unique to this test run.</summary>
    public string TaskHub(Type testClass) => _hubs.GetOrAdd(testClass, type =>
    {
        var letters = new string(type.Name.Where(char.IsAsciiLetterOrDigit).ToArray());
        return "T" + letters[..Math.Min(letters.Length, 30)] + _runSuffix;
    });

    public async Task InitializeAsync() => _launcher = await AzuriteLauncher.EnsureRunningAsync(TimeSpan.FromSeconds(90));

    public async Task DisposeAsync()
    {
        if (_launcher is not null) await _launcher.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
