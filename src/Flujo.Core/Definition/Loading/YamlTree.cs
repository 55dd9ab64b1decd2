using Flujo.Definition.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Flujo.Definition.Loading;

/// <summary>A YAML node with the place it starts at. Aliases resolve to the anchored node itself.</summary>
internal abstract class YNode(Mark start)
{
    public Mark Start { get; } = start;

    public int Line => (int)Math.Min(Start.Line, int.MaxValue);

    public int Column => (int)Math.Min(Start.Column, int.MaxValue);

    /// <summary>Stands in for a node that could not be read (already reported): readers stay silent about it.</summary>
    public bool Broken { get; init; }
}

internal sealed class YScalar(Mark start, string value, ScalarStyle style, string? tag) : YNode(start)
{
    public string Value { get; } = value;

    public ScalarStyle Style { get; } = style;

    /// <summary>The explicit tag (<c>tag:yaml.org,2002:str</c>, <c>!</c>, <c>!custom</c>), or null when none was written.</summary>
    public string? Tag { get; } = tag;

    /// <summary>A plain scalar without a tag: its type follows the YAML 1.2 core schema.</summary>
    public bool IsPlain => Style is ScalarStyle.Plain or ScalarStyle.Any && Tag is null;
}

internal sealed class YMap(Mark start) : YNode(start)
{
    public List<KeyValuePair<YNode, YNode>> Entries { get; } = [];
}

internal sealed class YList(Mark start) : YNode(start)
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

    private SourceLocation Loc(Mark mark) => new(_file, (int)Math.Min(mark.Line, int.MaxValue), (int)Math.Min(mark.Column, int.MaxValue));

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
                return new YScalar(alias.Start, string.Empty, ScalarStyle.Plain, null) { Broken = true };

            case Scalar scalar:
                parser.MoveNext();
                return Anchor(scalar, new YScalar(scalar.Start, scalar.Value, scalar.Style, TagOf(scalar)));

            case SequenceStart sequenceStart:
            {
                parser.MoveNext();
                var list = new YList(sequenceStart.Start);
                while (!parser.TryConsume<SequenceEnd>(out _)) list.Items.Add(ReadNode(parser, depth + 1));
                return Anchor(sequenceStart, list);
            }

            case MappingStart mappingStart:
            {
                parser.MoveNext();
                var map = new YMap(mappingStart.Start);
                var seen = new Dictionary<string, YNode>(StringComparer.Ordinal);
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = ReadNode(parser, depth + 1);
                    var value = ReadNode(parser, depth + 1);
                    if (key is YScalar { Broken: false } text)
                    {
                        if (seen.TryGetValue(text.Value, out var first))
                        {
                            _errors.Add(new DefinitionError($"Duplicate key '{text.Value}' (first at line {first.Line})", Loc(key.Start)));
                            continue;
                        }
                        seen[text.Value] = key;
                    }
                    map.Entries.Add(new KeyValuePair<YNode, YNode>(key, value));
                }
                return Anchor(mappingStart, map);
            }

            default:
                throw new YamlException(current.Start, current.End, $"Unexpected {current.GetType().Name}.");
        }
    }

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
