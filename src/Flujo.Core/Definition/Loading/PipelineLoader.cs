using Flujo.Definition.Validation;
using Flujo.Registration;

namespace Flujo.Definition.Loading;

/// <summary>
/// The file front door: reads a pipeline from YAML or JSON text (one code path: YAML 1.2 contains JSON), builds the model and
/// validates it with <see cref="PipelineValidator"/>. Every problem is reported with its file, line and column. The format is
/// described in docs/pipeline-format.md.
/// </summary>
public static class PipelineLoader
{
    /// <summary>The longest pipeline text (in characters) or file (in bytes) that is read: 10 MiB.</summary>
    public const int MaxTextLength = 10 * 1024 * 1024;

    /// <summary>
    /// The most errors reported for one text: the first this many by line, then one more that says how many were left
    /// out and where the first of them is (nobody reads 30,000 errors, and building them all costs time and memory).
    /// </summary>
    public const int MaxReportedErrors = 1000;

    /// <summary>Loads a pipeline from YAML or JSON text.</summary>
    /// <param name="text">The definition.</param>
    /// <param name="fileName">Named in error locations and kept as <see cref="PipelineDefinition.SourceFile"/>.</param>
    /// <param name="catalog">When given, unknown agents, processors, plugins, validators, functions and tools (in the parameters that name them) are errors.</param>
    /// <exception cref="PipelineDefinitionException">The definition has problems; its <c>Errors</c> lists them sorted by line (at most <see cref="MaxReportedErrors"/>, then one counting the rest).</exception>
    public static PipelineDefinition Load(string text, string? fileName = null, IComponentCatalog? catalog = null)
    {
        if (TryLoad(text, fileName, catalog, out var pipeline, out var errors)) return pipeline!;
        throw new PipelineDefinitionException(errors);
    }

    /// <summary>Loads a pipeline file (YAML or JSON).</summary>
    /// <exception cref="PipelineDefinitionException">The file cannot be read (the error names the path), or the definition has problems.</exception>
    public static PipelineDefinition LoadFile(string path, IComponentCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            if (new FileInfo(path) is { Exists: true, Length: > MaxTextLength })
                throw new PipelineDefinitionException([new DefinitionError($"The file is larger than {MaxTextLength / (1024 * 1024)} MiB; a pipeline file may be at most that", new SourceLocation(path, 1, 1))]);
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PipelineDefinitionException([new DefinitionError($"Pipeline file not found: {path}")]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            throw new PipelineDefinitionException([new DefinitionError($"Cannot read pipeline file {path}: {ex.Message}")]);
        }
        return Load(text, path, catalog);
    }

    /// <summary>
    /// The top-level <c>name</c> of a pipeline text, read without checking anything else, so that a file with errors can still
    /// be matched to the name another pipeline refers to; null when there is none.
    /// </summary>
    public static string? ReadName(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxTextLength) return null;
        var root = YamlTreeReader.Read(text, null, []);
        if (root is not YMap map) return null;
        var name = map.Entries.FirstOrDefault(e => e.Key is YScalar { Value: "name" }).Value;
        return name is YScalar { Broken: false } scalar && !YamlValues.IsNull(scalar) && scalar.Value.Trim().Length > 0 ? scalar.Value : null;
    }

    /// <summary>Like <see cref="Load"/>, without throwing for definition problems.</summary>
    /// <returns>True with the pipeline and no errors; false with a null pipeline and the errors, sorted by line (at most <see cref="MaxReportedErrors"/> and one counting the rest).</returns>
    public static bool TryLoad(string text, string? fileName, IComponentCatalog? catalog, out PipelineDefinition? pipeline, out IReadOnlyList<DefinitionError> errors)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<DefinitionError>();
        pipeline = null;

        if (text.Length > MaxTextLength)
        {
            errors = [new DefinitionError($"The text is longer than {MaxTextLength:N0} characters; a pipeline may be at most that", new SourceLocation(fileName, 1, 1))];
            return false;
        }
        try
        {
            var root = YamlTreeReader.Read(text, fileName, found);
            if (root is not null)
            {
                var map = new DefinitionSourceMap();
                var model = PipelineReader.Read(root, fileName, found, map);
                if (model is not null)
                {
                    found.AddRange(PipelineValidator.Check(model, catalog, map));
                    pipeline = model;
                }
            }
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            // The last line of defence of "any bytes load or are rejected with located errors" (fuzzing found no such
            // case; a new one is still an error for the file, not a crash of the host that reads it).
            found.Add(new DefinitionError(
                $"The file could not be read ({ex.GetType().Name}: {ex.Message}); this is a bug in Flujo's loader, please report it with the file",
                found.LastOrDefault(e => e.Location is not null)?.Location ?? new SourceLocation(fileName, 1, 1)));
        }

        errors = Capped(PipelineValidator.Sort(found.Distinct()));
        if (errors.Count == 0) return true;
        pipeline = null;
        return false;
    }

    private static List<DefinitionError> Capped(List<DefinitionError> sorted)
    {
        if (sorted.Count <= MaxReportedErrors) return sorted;
        var firstLeftOut = sorted[MaxReportedErrors];
        var more = sorted.Count - MaxReportedErrors;
        var capped = sorted.GetRange(0, MaxReportedErrors);
        capped.Add(new DefinitionError(
            $"… and {more:N0} more error{(more == 1 ? "" : "s")} from here on (only the first {MaxReportedErrors:N0} are listed; fix these and validate again)",
            firstLeftOut.Location, firstLeftOut.StepPath));
        return capped;
    }
}
