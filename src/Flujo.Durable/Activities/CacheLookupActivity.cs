using Flujo.Caching;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flujo.Durable.Activities;

/// <summary>Looks a step's cache key up in the <see cref="IStepCacheStore"/>. Null is a miss; a store that fails is a miss too (logged).</summary>
[DurableTask(FlujoTaskNames.CacheLookupActivity)]
public sealed class CacheLookupActivity : TaskActivity<CacheLookupRequest, CachedStepResult?>
{
    private readonly IStepCacheStore _store;
    private readonly ILogger _logger;

    public CacheLookupActivity(IStepCacheStore store, ILogger<CacheLookupActivity>? logger = null)
    {
        _store = store;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public override async Task<CachedStepResult?> RunAsync(TaskActivityContext context, CacheLookupRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            return await _store.TryGetAsync(input.Key);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Cache lookup of {Key} failed: treated as a miss", input.Key);
            return null;
        }
    }
}
