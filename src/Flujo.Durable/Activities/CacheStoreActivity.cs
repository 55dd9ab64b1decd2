using Flujo.Caching;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flujo.Durable.Activities;

/// <summary>Stores a successful step result under its cache key. Returns whether it was stored; a store that fails is logged, never thrown.</summary>
[DurableTask(FlujoTaskNames.CacheStoreActivity)]
public sealed class CacheStoreActivity : TaskActivity<CacheStoreRequest, bool>
{
    private readonly IStepCacheStore _store;
    private readonly ILogger _logger;

    public CacheStoreActivity(IStepCacheStore store, ILogger<CacheStoreActivity>? logger = null)
    {
        _store = store;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public override async Task<bool> RunAsync(TaskActivityContext context, CacheStoreRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.Result.Success) return false; // never cache a failure (SEMANTICS §6)
        try
        {
            await _store.SetAsync(input.Key, new CachedStepResult { Key = input.Key, Result = input.Result }, input.Ttl);
            return true;
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Cache store of {Key} failed: the result is not cached", input.Key);
            return false;
        }
    }
}
