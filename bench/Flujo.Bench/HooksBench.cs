using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Hooks;
using Flujo.Hosting.Engine;
using Flujo.Results;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Bench;

/// <summary>
/// What lifecycle hooks cost per step: the 20-step in-memory benchmark (trivial <c>echo</c> steps) on three engines in one
/// process, runs interleaved: no hooks, one no-op hook at preStep and postStep (two hook activity calls per step), and one
/// no-op hook at every point (the same, plus preRun and postRun). Prints medians and ratios to the engine without hooks.
/// </summary>
internal static class HooksBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = BenchArgs.Int(args, "--runs", args.Contains("--quick") ? 10 : 40);
        var pipeline = Pipeline(20);
        Console.WriteLine($"load average {LoadAverage.Read()} (start)");

        var engines = new (string Name, FlujoEngine Engine, List<double> Times)[]
        {
            ("no hooks", await StartAsync(s => s), []),
            ("no-op hook at preStep + postStep", await StartAsync(s => s.AddFlujoHook<StepHook>(ServiceLifetime.Singleton)), []),
            ("no-op hook at every point", await StartAsync(s => s.AddFlujoHook<EveryPointHook>(ServiceLifetime.Singleton)), []),
        };
        try
        {
            for (var i = 0; i < 5; i++)
                foreach (var (_, engine, _) in engines) await RunAsync(engine, pipeline);
            for (var i = 0; i < runs; i++)
                foreach (var (_, engine, times) in engines) times.Add(await BenchMath.Time(() => RunAsync(engine, pipeline)));

            var baseline = BenchMath.Median(engines[0].Times);
            foreach (var (name, _, times) in engines)
                Console.WriteLine($"20-step run, {name}, median of {runs}: {BenchMath.Median(times):0.0} ms ({BenchMath.Range(times)}), ratio {BenchMath.Median(times) / baseline:0.00}x");
        }
        finally
        {
            foreach (var (_, engine, _) in engines) await engine.DisposeAsync();
        }
        Console.WriteLine($"load average {LoadAverage.Read()} (end)");
        return 0;
    }

    private static Task<FlujoEngine> StartAsync(Func<IServiceCollection, IServiceCollection> hooks) =>
        FlujoEngine.StartInMemoryAsync(hooks(new ServiceCollection().AddFlujo()).BuildServiceProvider());

    private static async Task RunAsync(FlujoEngine engine, PipelineDefinition pipeline)
    {
        var result = await engine.Client.RunAsync(pipeline, JsonValue.Create("payload"));
        if (result.Status != RunStatus.Completed) throw new InvalidOperationException($"Run failed: {result.Error}");
    }

    private static PipelineDefinition Pipeline(int steps)
    {
        var builder = new PipelineBuilder($"hooks-bench-{steps}");
        for (var i = 1; i <= steps; i++) builder.Step($"step{i}", "echo");
        return builder.Build();
    }

    private sealed class StepHook : IPreStepHook, IPostStepHook
    {
        public Task PreStepAsync(HookContext context, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PostStepAsync(HookContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class EveryPointHook : IPreRunHook, IPreStepHook, IPostStepHook, IStepFailureHook, IPostRunHook
    {
        public Task PreRunAsync(HookContext context, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PreStepAsync(HookContext context, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PostStepAsync(HookContext context, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnStepFailureAsync(HookContext context, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PostRunAsync(HookContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
