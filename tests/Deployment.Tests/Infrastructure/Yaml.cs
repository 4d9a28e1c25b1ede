using YamlDotNet.RepresentationModel;

namespace PullWorker.Deployment.Tests.Infrastructure;

/// <summary>Small navigation helpers over YamlDotNet's representation model, failing with the path.</summary>
public static class Yaml
{
    public static YamlMappingNode LoadMapping(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    public static YamlMappingNode Map(this YamlMappingNode node, string key) => (YamlMappingNode)node.Child(key);

    public static YamlSequenceNode Seq(this YamlMappingNode node, string key) => (YamlSequenceNode)node.Child(key);

    public static string Scalar(this YamlMappingNode node, string key) =>
        ((YamlScalarNode)node.Child(key)).Value ?? string.Empty;

    public static bool Has(this YamlMappingNode node, string key) => node.Children.ContainsKey(new YamlScalarNode(key));

    public static IEnumerable<string> Keys(this YamlMappingNode node) =>
        node.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value ?? string.Empty);

    private static YamlNode Child(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child)
            ? child
            : throw new KeyNotFoundException($"YAML key '{key}' missing at line {node.Start.Line}");
}
