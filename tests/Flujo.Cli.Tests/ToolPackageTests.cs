using System.Runtime.InteropServices;
using Flujo.Cli.Tests.Support;
using Flujo.Hosting.Storage;
using Flujo.Results;

namespace Flujo.Cli.Tests;

/// <summary>
/// <c>dotnet pack src/Flujo.Cli</c>, then <c>dotnet tool install</c> from that folder, as the README says: the installed
/// <c>flujo</c> runs from a folder outside the repository, as a tool on a tool path (what <c>--global</c> is, in a folder
/// of the test's own) and as a local tool of a manifest. Packed once for all tests (<see cref="PackedTool"/>).
/// </summary>
public sealed class ToolPackageTests(ToolPackageTests.PackedTool tool) : IClassFixture<ToolPackageTests.PackedTool>, IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task InstalledTool_Version_IsTheRepositoryVersion()
    {
        var version = await tool.FlujoAsync(_folder.Path, null, "--version");

        Assert.True(version.ExitCode == ExitCodes.Success, version.ToString());
        Assert.StartsWith(tool.Version, version.Stdout.Trim());
    }

    [Fact]
    public async Task InstalledTool_ValidateAndRunSample_FromAFolderOutsideTheRepository()
    {
        var sample = _folder.Write("support-triage.yaml", File.ReadAllText(Repo.Sample("support-triage.yaml")));

        var validate = await tool.FlujoAsync(_folder.Path, null, "validate", sample);
        var run = await tool.FlujoAsync(_folder.Path, null, "run", "support-triage.yaml", "--json");

        Assert.True(validate.ExitCode == ExitCodes.Success, validate.ToString());
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var (result, _) = ResultJson.Parse(run);
        Assert.Equal(["classify", "remember", "draft"], result.StepHistory.Select(s => s.Name));
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("billing", result.FinalContext["category"]?.GetValue<string>());
    }

    [Fact]
    public async Task LocalTool_FromManifest_RunsSample()
    {
        var project = Directory.CreateDirectory(Path.Combine(_folder.Path, "project")).FullName;
        File.WriteAllText(Path.Combine(project, "review-loop.yaml"), File.ReadAllText(Repo.Sample("review-loop.yaml")));

        var install = await tool.DotnetAsync(project, "tool", "install", PackedTool.PackageId, "--local", "--create-manifest-if-needed",
            "--version", tool.Version, "--configfile", tool.NuGetConfig);
        var run = await tool.DotnetAsync(project, "tool", "run", "flujo", "run", "review-loop.yaml");

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.True(File.Exists(Path.Combine(project, "dotnet-tools.json")) || File.Exists(Path.Combine(project, ".config", "dotnet-tools.json")), install.ToString());
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("completed", run.Stdout);
    }

    [Fact]
    public async Task InstalledTool_StoreAzurite_UsesFlujoAzurite_OrSaysHowToGetAzurite()
    {
        var repoAzurite = await RepositoryAzuriteAsync();
        var port = FreePorts.Range();
        var environment = new Dictionary<string, string>
        {
            [LocalStore.PortVariable] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [LocalStore.LocationVariable] = Path.Combine(_folder.Path, ".flujo", "azurite"),
            ["FLUJO_AZURITE"] = Path.Combine(_folder.Path, "no-such-azurite"),
        };
        _folder.Write("hello.yaml", """
            name: hello
            version: "1"
            steps:
              - name: greet
                agent: template
                params: { template: "Hello, {{ input }}!" }
            """);
        try
        {
            var missing = await tool.FlujoAsync(_folder.Path, environment, "run", "hello.yaml", "--store", "azurite", "--input", "world");
            environment["FLUJO_AZURITE"] = repoAzurite;
            var run = await tool.FlujoAsync(_folder.Path, environment, "run", "hello.yaml", "--store", "azurite", "--input", "world", "--json");

            Assert.True(missing.ExitCode == ExitCodes.RunFailed, missing.ToString());
            Assert.Contains("FLUJO_AZURITE", missing.Stderr);
            Assert.Contains("no-such-azurite", missing.Stderr);
            Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
            Assert.Contains("Starting the local store", run.Stderr);
            var (result, _) = ResultJson.Parse(run);
            Assert.Equal("Hello, world!", result.Output?.GetValue<string>());
        }
        finally
        {
            await LocalStore.StopAsync(port);
        }
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>The repository's pinned Azurite (node_modules/.bin), installed with npm ci as the storage tests do when missing.</summary>
    private static async Task<string> RepositoryAzuriteAsync()
    {
        var executable = Path.Combine(Repo.Root, "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite");
        if (File.Exists(executable)) return executable;
        var npm = await ChildProcess.RunAsync(OperatingSystem.IsWindows() ? "npm.cmd" : "npm", ["ci", "--no-audit", "--no-fund"], Repo.Root, null, stdin: null, TimeSpan.FromMinutes(10));
        Assert.True(npm.ExitCode == 0 && File.Exists(executable), $"npm ci in {Repo.Root} did not install Azurite:\n{npm}");
        return executable;
    }

    /// <summary>
    /// The tool packed from src/Flujo.Cli for this machine's platform (plus the portable package) into a folder of its own,
    /// and installed on a tool path there. NuGet sees only that folder (a nuget.config of its own) and caches in a folder of
    /// its own, so no other package named Flujo.Cli and no earlier pack of the same version can stand in for this one.
    /// ReadyToRun is off here (it only makes the pack slower; start-up time is measured in bench/cli-start).
    /// </summary>
    public sealed class PackedTool : IAsyncLifetime
    {
        public const string PackageId = "Flujo.Cli";
        private readonly TempFolder _root = new();

        public string Version { get; private set; } = "";
        public string NuGetConfig => Path.Combine(_root.Path, "nuget.config");
        private string Feed => Path.Combine(_root.Path, "feed");
        private string ToolPath => Path.Combine(_root.Path, "tools");
        private string Flujo => Path.Combine(ToolPath, OperatingSystem.IsWindows() ? "flujo.exe" : "flujo");

        public async Task InitializeAsync()
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var pack = await ChildProcess.RunAsync(FlujoCli.DotnetHost(), ["pack", Path.Combine(Repo.Root, "src", "Flujo.Cli"), "-c", configuration, "-o", Feed,
                $"-p:FlujoToolRuntimeIdentifiers={RuntimeInformation.RuntimeIdentifier}", "-p:PublishReadyToRun=false", "-nologo"],
                Repo.Root, null, stdin: null, TimeSpan.FromMinutes(10));
            if (pack.ExitCode != 0) throw new InvalidOperationException($"dotnet pack failed:\n{pack}");
            var pointer = Directory.EnumerateFiles(Feed, $"{PackageId}.*.nupkg")
                .Select(Path.GetFileNameWithoutExtension)
                .Single(name => char.IsDigit(name![PackageId.Length + 1]));
            Version = pointer![(PackageId.Length + 1)..];
            File.WriteAllText(NuGetConfig, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="flujo-test-feed" value="{Feed}" />
                  </packageSources>
                </configuration>
                """);
            var install = await DotnetAsync(_root.Path, "tool", "install", PackageId, "--tool-path", ToolPath, "--version", Version, "--configfile", NuGetConfig);
            if (install.ExitCode != 0) throw new InvalidOperationException($"dotnet tool install failed:\n{install}");
        }

        /// <summary>Runs the installed <c>flujo</c> (as the PATH would find it) in <paramref name="folder"/>.</summary>
        public Task<CliResult> FlujoAsync(string folder, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
            ChildProcess.RunAsync(Flujo, args, folder, environment, stdin: null, CommandTimeout);

        /// <summary>
        /// Runs <c>dotnet</c> with NuGet's package cache and the CLI's home (its local-tool resolver cache) in this
        /// fixture's folder, so installing the tool here leaves nothing behind in the user's own caches.
        /// </summary>
        public Task<CliResult> DotnetAsync(string folder, params string[] args) =>
            ChildProcess.RunAsync(FlujoCli.DotnetHost(), args, folder, new Dictionary<string, string>
            {
                ["NUGET_PACKAGES"] = Path.Combine(_root.Path, "nuget"),
                ["DOTNET_CLI_HOME"] = Path.Combine(_root.Path, "cli-home"),
                ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            }, stdin: null, CommandTimeout);

        public Task DisposeAsync()
        {
            _root.Dispose();
            return Task.CompletedTask;
        }
    }
}
