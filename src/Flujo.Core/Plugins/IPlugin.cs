namespace Flujo.Plugins;

/// <summary>Checks an attempt's output; a failure's feedback is fed into the next attempt (the feedback loop).</summary>
public interface IPlugin
{
    ValueTask<PluginResult> ValidateAsync(PluginContext context, CancellationToken cancellationToken);
}
