using Flujo.Cli.Rendering;
using Flujo.Definition;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Flujo.Cli.Commands;

/// <summary><c>flujo validate</c>: reports every problem of a pipeline file with file, line and column, without running it.</summary>
public sealed class ValidateCommand : AsyncCommand<PipelineFileSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, PipelineFileSettings settings, CancellationToken cancellationToken)
    {
        using var services = CliServices.Create().BuildServiceProvider();
        try
        {
            var pipeline = CliServices.LoadPipeline(settings.File, services);
            Consoles.Out.MarkupLine($"[green]valid[/] {Markup.Escape(settings.File)}: pipeline [bold]{Markup.Escape(pipeline.Name)}[/] v{Markup.Escape(pipeline.Version)}, {pipeline.Steps.Count} steps, {pipeline.Fallbacks.Count} fallbacks");
            return Task.FromResult(ExitCodes.Success);
        }
        catch (PipelineDefinitionException ex)
        {
            foreach (var error in ex.Errors) Consoles.Error.WriteLine(error.ToString());
            Consoles.Error.MarkupLine($"[red]{ex.Errors.Count} problem(s)[/] in {Markup.Escape(settings.File)}");
            return Task.FromResult(ExitCodes.InvalidInput);
        }
    }
}
