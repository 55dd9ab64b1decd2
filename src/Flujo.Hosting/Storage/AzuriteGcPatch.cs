namespace Flujo.Hosting.Storage;

/// <summary>
/// A Node.js preload (<c>NODE_OPTIONS=--require</c>) that <see cref="AzuriteLauncher"/> gives the Azurite it starts, so
/// Azurite's extent garbage collection no longer freezes it for seconds.
/// </summary>
/// <remarks>
/// Azurite 3.37.0 stores every queue message (and blob block) as an "extent" and deletes the unreferenced ones in a
/// mark-and-sweep that runs every 60 s for queues (10 min for blobs). <c>MemoryExtentStore.deleteExtents</c> deletes
/// them one at a time through <c>LokiExtentMetadata.deleteExtent</c> (LokiJS <c>findAndRemove</c>), and each removal
/// from a LokiJS collection with a binary index filters the whole collection and rebuilds (sorts) the index: deleting
/// n extents costs O(n² log n), all of it synchronous on Azurite's single event loop. Measured with Azurite's own
/// modules: 1,000 extents 0.7 s, 2,000 3 s, 4,000 14 s, 8,000 58 s. A worker that sends a few thousand queue messages
/// in a minute (any Durable Task load, our benchmarks) sees every blob, queue and table request hang that long about
/// once a minute. The preload replaces <c>deleteExtents</c> with the same deletions done in one pass (chunks freed one
/// by one, the metadata removed with a single <c>removeWhere</c>: O(n log n), 8,000 extents in ~20 ms). If Azurite's
/// internals do not look as expected (another version), it leaves Azurite unchanged.
/// </remarks>
internal static class AzuriteGcPatch
{
    /// <summary>The preload script.</summary>
    public const string Script = """
        // Flujo (src/Flujo.Hosting/Storage/AzuriteGcPatch.cs): delete Azurite's unreferenced extents in one pass.
        'use strict';
        try {
          const fs = require('fs');
          const path = require('path');
          const main = process.argv[1] ? fs.realpathSync(process.argv[1]) : '';
          const file = path.join(path.dirname(main), 'common', 'persistence', 'MemoryExtentStore.js');
          if (path.basename(main) === 'azurite.js' && fs.existsSync(file)) {
            const store = require(file).default;
            const original = store && store.prototype && store.prototype.deleteExtents;
            if (typeof original === 'function' && !original.flujoBatched) {
              const batched = async function (extents) {
                const meta = this.metadataStore;
                const collection = meta && meta.db && typeof meta.db.getCollection === 'function' && meta.EXTENTS_COLLECTION
                  ? meta.db.getCollection(meta.EXTENTS_COLLECTION) : null;
                if (!collection || typeof collection.removeWhere !== 'function' || !this.chunks || typeof this.chunks.delete !== 'function') {
                  return original.call(this, extents);
                }
                const ids = new Set(extents);
                for (const id of ids) this.chunks.delete(this.categoryName, id);
                if (ids.size > 0) collection.removeWhere(doc => ids.has(doc.id));
                return ids.size;
              };
              batched.flujoBatched = true;
              store.prototype.deleteExtents = batched;
            }
          }
        } catch (e) {
          process.stderr.write('Flujo: Azurite extent GC left unpatched: ' + (e && e.message) + '\n');
        }
        """;

    /// <summary>Writes the script to a new temporary file and returns its path, or null when it cannot (Azurite then runs unpatched).</summary>
    public static string? TryWriteToTempFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"flujo-azurite-gc-{Guid.NewGuid():N}.js");
        try
        {
            File.WriteAllText(path, Script);
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// <paramref name="existing"/> NODE_OPTIONS with <c>--require "&lt;script&gt;"</c> added (Node reads double-quoted
    /// values there, so a path with spaces is fine).
    /// </summary>
    public static string NodeOptions(string? existing, string scriptPath)
    {
        var require = $"--require \"{scriptPath.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
        return string.IsNullOrWhiteSpace(existing) ? require : existing + " " + require;
    }
}
