using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Flujo.Cli.Tests.Support;

namespace Flujo.Cli.Tests.Serve;

/// <summary><c>flujo serve</c> as a child process: serves a folder over loopback, stops cleanly on SIGTERM, refuses an invalid folder.</summary>
public sealed class ServeProcessTests
{
    private const string Greeting = """
        name: greeting
        version: "1"
        inputSchema:
          type: object
          required: [name]
          properties:
            name: { type: string, minLength: 1 }
        steps:
          - name: greet
            agent: template
            params:
              template: "Hello, {{ input.name }}!"
        """;

    [Fact]
    public async Task Serve_ChildProcess_ServesFolderOverLoopback_StopsCleanlyOnSigterm()
    {
        if (OperatingSystem.IsWindows()) return;
        using var folder = new TempFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "pipelines"));
        File.WriteAllText(Path.Combine(folder.Path, "pipelines", "greeting.yaml"), Greeting.ReplaceLineEndings("\n"));
        var port = FreePort();

        var start = new ProcessStartInfo(FlujoCli.DotnetHost())
        {
            WorkingDirectory = folder.Path,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in new[] { FlujoCli.CliDll, "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitUntilListeningAsync(port, process, stderr);

            using var list = await http.GetAsync("/api/pipelines");
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Equal("greeting", JsonNode.Parse(await list.Content.ReadAsStringAsync())!["pipelines"]![0]!["name"]!.GetValue<string>());

            using var started = await http.PostAsync("/api/pipelines/greeting/runs", new StringContent("""{"input":{"name":"Ada"},"runId":"greeting-smoke"}"""));
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            Assert.Equal($"http://127.0.0.1:{port}/api/runs/greeting-smoke", started.Headers.Location?.ToString());

            JsonNode? run = null;
            for (var i = 0; i < 100 && run?["result"] is null; i++)
            {
                await Task.Delay(100);
                run = JsonNode.Parse(await http.GetStringAsync("/api/runs/greeting-smoke"));
            }
            Assert.Equal("Hello, Ada!", run?["result"]?["output"]?.GetValue<string>());

            Assert.Equal(0, SendSignal(process.Id, SigTerm));
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(exit.Token);
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{stderr}");
            Assert.Contains("Stopping", stderr.ToString());
            Assert.Equal(string.Empty, await stdout);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Serve_InvalidPipelineFile_StopsStartupWithFileLineColumn_Exit2()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "flows"));
        var bad = Path.Combine(folder.Path, "flows", "bad.yaml");
        File.WriteAllText(bad, "name: bad\nversion: \"1\"\nsteps:\n  - name: one\n    agent: no_such_agent\n");

        var result = await folder.FlujoAsync("serve", "--port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--pipelines", "flows");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(result.StderrLines, l => l.Contains("bad.yaml:5:", StringComparison.Ordinal) && l.Contains("no_such_agent", StringComparison.Ordinal));
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task WaitUntilListeningAsync(int port, Process process, StringBuilder stderr)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                if (process.HasExited) Assert.Fail($"flujo serve exited early ({process.ExitCode}):\n{stderr}");
                Assert.True(DateTime.UtcNow < deadline, $"flujo serve did not listen on {port}:\n{stderr}");
                await Task.Delay(100);
            }
        }
    }

    private const int SigTerm = 15;

#pragma warning disable SYSLIB1054 // One call; LibraryImport would need unsafe code.
    [DllImport("libc", EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);
#pragma warning restore SYSLIB1054
}
