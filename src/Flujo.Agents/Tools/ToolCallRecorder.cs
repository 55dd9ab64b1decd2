using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Flujo.Agents.Tools;

/// <summary>
/// Records the tool calls of one attempt (name, arguments, duration, error) for the step's metadata <c>tool_calls</c>.
/// It wraps each offered function; Microsoft.Extensions.AI's function-invoking client still does the invoking.
/// </summary>
internal sealed class ToolCallRecorder
{
    private readonly List<JsonObject> _calls = [];
    private readonly Lock _lock = new();

    /// <summary><paramref name="tool"/>'s function, under the tool's name, recording each call here.</summary>
    public AIFunction Wrap(FlujoTool tool) => new RecordingFunction(tool.Name, tool.Function, this);

    public int Count
    {
        get { lock (_lock) return _calls.Count; }
    }

    /// <summary>The calls so far, in the order they finished.</summary>
    public JsonArray ToJson()
    {
        lock (_lock) return new JsonArray([.. _calls.Select(c => (JsonNode)c.DeepClone())]);
    }

    private void Add(JsonObject call)
    {
        lock (_lock) _calls.Add(call);
    }

    private sealed class RecordingFunction(string name, AIFunction inner, ToolCallRecorder recorder) : DelegatingAIFunction(inner)
    {
        public override string Name => name;

        protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var call = new JsonObject { ["name"] = name, ["arguments"] = Arguments(arguments) };
            try
            {
                return await base.InvokeCoreAsync(arguments, cancellationToken);
            }
            catch (Exception ex)
            {
                call["error"] = $"{ex.GetType().Name}: {ex.Message}";
                throw;
            }
            finally
            {
                call["durationMs"] = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                recorder.Add(call);
            }
        }

        private static JsonObject Arguments(AIFunctionArguments arguments)
        {
            var result = new JsonObject();
            foreach (var (key, value) in arguments)
            {
                try
                {
                    result[key] = value switch
                    {
                        null => null,
                        JsonElement element => JsonNode.Parse(element.GetRawText()),
                        JsonNode node => node.DeepClone(),
                        _ => JsonSerializer.SerializeToNode(value, AIJsonUtilities.DefaultOptions),
                    };
                }
                catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
                {
                    result[key] = value?.ToString();
                }
            }
            return result;
        }
    }
}
