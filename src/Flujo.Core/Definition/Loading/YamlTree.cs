using Flujo.Definition.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Flujo.Definition.Loading;

/// <summary>
/// A YAML node with the place it starts at (1-based line and column, kept as ints: a 1 MB file has up to a million nodes).
/// Aliases resolve to the anchored node itself.
/// </summary>
internal abstract class YNode(int line, int column)
{
    private SourceLocation? _location;

    public int Line { get; } = line;

    public int Column { get; } = column;

    /// <summary>Stands in for a node that could not be read (already reported): readers stay silent about it.</summary>
    public bool Broken { get; init; }

    /// <summary>Its location in <paramref name="file"/>, made once (an aliased node is located once per use otherwise).</summary>
    public SourceLocation Location(string? file) =>
        _location is { } known && known.File == file ? known : _location = new SourceLocation(file, Line, Column);
}

internal sealed class YScalar(int line, int column, string value, ScalarStyle style, string? tag) : YNode(line, column)
{
    private ScalarType? _type;

    public string Value { get; } = value;

    public ScalarStyle Style { get; } = style;

    /// <summary>The explicit tag (<c>tag:yaml.org,2002:str</c>, <c>!</c>, <c>!custom</c>), or null when none was written.</summary>
    public string? Tag { get; } = tag;

    /// <summary>A plain scalar without a tag: its type follows the YAML 1.2 core schema.</summary>
    public bool IsPlain => Style is ScalarStyle.Plain or ScalarStyle.Any && Tag is null;

    /// <summary>Its type under the YAML 1.2 core schema, resolved once (readers ask several times per value).</summary>
    public ScalarType Type => _type ??= YamlValues.Resolve(this);
}

internal sealed class YMap(int line, int column) : YNode(line, column)
{
    public List<KeyValuePair<YNode, YNode>> Entries { get; } = [];
}

internal sealed class YList(int line, int column) : YNode(line, column)
{
    public List<YNode> Items { get; } = [];
}

/// <summary>
/// Reads YAML (or JSON, which YAML 1.2 contains) from the parser's events into <see cref="YNode"/>s, so that errors that are not
/// syntax errors (duplicate keys, unknown aliases) are reported and reading goes on.
/// </summary>
internal sealed class YamlTreeReader
{
    private const int MaxDepth = 200;

    private readonly string? _file;
    private readonly List<DefinitionError> _errors;
    private readonly Dictionary<string, YNode> _anchors = new(StringComparer.Ordinal);

    /// <summary>Where the last event read from the parser ended: where a scanner failure is reported.</summary>
    private Mark _lastGood = Mark.Empty;

    private YamlTreeReader(string? file, List<DefinitionError> errors)
    {
        _file = file;
        _errors = errors;
    }

    /// <summary>The root node of the single document in <paramref name="text"/>; null (with errors added) when there is none or it does not parse.</summary>
    public static YNode? Read(string text, string? file, List<DefinitionError> errors) => new YamlTreeReader(file, errors).ReadStream(text);

    private SourceLocation Loc(Mark mark) => new(_file, LineOf(mark), ColumnOf(mark));

    private YNode? ReadStream(string text)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            _lastGood = parser.Consume<StreamStart>().End;
            YNode? root = null;
            var documents = 0;
            while (parser.TryConsume<DocumentStart>(out var start))
            {
                _lastGood = start.End;
                documents++;
                if (documents > 1)
                {
                    _errors.Add(new DefinitionError("Expected one YAML document, but a second one starts here; put one pipeline in a file", Loc(start.Start)));
                    break;
                }
                _anchors.Clear();
                root = ReadNode(parser, 0);
                _lastGood = parser.Consume<DocumentEnd>().End;
            }
            if (documents == 0)
                _errors.Add(new DefinitionError("The file is empty: expected a pipeline with at least 'name' and 'steps'", new SourceLocation(_file, 1, 1)));
            return root;
        }
        catch (TooDeepException deep)
        {
            _errors.Add(new DefinitionError($"The document nests deeper than {MaxDepth} levels", Loc(deep.Mark)));
            return null;
        }
        catch (YamlException ex)
        {
            _errors.Add(new DefinitionError($"YAML syntax error: {ex.Message}", Loc(ex.Start)));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up this way on some broken input (a flow collection left open before more
            // block content, text after a '...' document end): it is still a syntax error, placed after the last
            // part that did parse.
            _errors.Add(new DefinitionError(
                "YAML syntax error: the text after this point does not parse (an unclosed '[' or '{'? text after a '...' document end?)",
                Loc(_lastGood)));
            return null;
        }
    }

    private YNode ReadNode(IParser parser, int depth)
    {
        var current = parser.Current ?? throw new YamlException("Unexpected end of the document.");
        _lastGood = current.End;
        if (depth > MaxDepth) throw new TooDeepException(current.Start);
        switch (current)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                if (_anchors.TryGetValue(alias.Value.Value, out var anchored)) return anchored;
                _errors.Add(new DefinitionError($"Unknown alias '*{alias.Value.Value}': no anchor '&{alias.Value.Value}' is defined before it", Loc(alias.Start)));
                return new YScalar(LineOf(alias.Start), ColumnOf(alias.Start), string.Empty, ScalarStyle.Plain, null) { Broken = true };

            case Scalar scalar:
                parser.MoveNext();
                return Anchor(scalar, new YScalar(LineOf(scalar.Start), ColumnOf(scalar.Start), scalar.Value, scalar.Style, TagOf(scalar)));

            case SequenceStart sequenceStart:
            {
                parser.MoveNext();
                var list = new YList(LineOf(sequenceStart.Start), ColumnOf(sequenceStart.Start));
                while (!parser.TryConsume<SequenceEnd>(out _)) list.Items.Add(ReadNode(parser, depth + 1));
                return Anchor(sequenceStart, list);
            }

            case MappingStart mappingStart:
            {
                parser.MoveNext();
                var map = new YMap(LineOf(mappingStart.Start), ColumnOf(mappingStart.Start));
                // Duplicate keys: small mappings (nearly all) are scanned, larger ones get a set of their keys.
                Dictionary<string, YNode>? seen = null;
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = ReadNode(parser, depth + 1);
                    var value = ReadNode(parser, depth + 1);
                    if (key is YScalar { Broken: false } text)
                    {
                        if (FirstKey(map, seen, text.Value) is { } first)
                        {
                            _errors.Add(new DefinitionError($"Duplicate key '{text.Value}' (first at line {first.Line})", key.Location(_file)));
                            continue;
                        }
                        if (seen is null && map.Entries.Count >= SmallMapEntries)
                        {
                            seen = new Dictionary<string, YNode>(StringComparer.Ordinal);
                            foreach (var entry in map.Entries)
                                if (entry.Key is YScalar { Broken: false } earlier) seen.TryAdd(earlier.Value, earlier);
                        }
                        seen?.Add(text.Value, key);
                    }
                    map.Entries.Add(new KeyValuePair<YNode, YNode>(key, value));
                }
                return Anchor(mappingStart, map);
            }

            default:
                throw new YamlException(current.Start, current.End, $"Unexpected {current.GetType().Name}.");
        }
    }

    private const int SmallMapEntries = 8;

    /// <summary>The first key node written as <paramref name="key"/> in <paramref name="map"/> so far, or null.</summary>
    private static YNode? FirstKey(YMap map, Dictionary<string, YNode>? seen, string key)
    {
        if (seen is not null) return seen.GetValueOrDefault(key);
        foreach (var entry in map.Entries)
            if (entry.Key is YScalar { Broken: false } earlier && string.Equals(earlier.Value, key, StringComparison.Ordinal)) return earlier;
        return null;
    }

    private static int LineOf(Mark mark) => (int)Math.Min(mark.Line, int.MaxValue);

    private static int ColumnOf(Mark mark) => (int)Math.Min(mark.Column, int.MaxValue);

    /// <summary>Registers the node under its anchor once complete, so an alias inside its own anchor is unknown (no cycles).</summary>
    private YNode Anchor(NodeEvent nodeEvent, YNode node)
    {
        if (!nodeEvent.Anchor.IsEmpty) _anchors[nodeEvent.Anchor.Value] = node;
        return node;
    }

    private static string? TagOf(NodeEvent nodeEvent) =>
        nodeEvent.Tag.IsEmpty || nodeEvent.Tag.IsNonSpecific && nodeEvent.Tag.Value == "?" ? null : nodeEvent.Tag.Value;

    private sealed class TooDeepException(Mark mark) : Exception
    {
        public Mark Mark { get; } = mark;
    }
}
