import type { Model, SingleModel } from '../candidates';
import type { TreeEnsemble } from '../ensemble';
import type { LinearModel } from '../linear';
import { GraphBuilder, serialise } from './graph';

export type ExportableModel = Model;

/**
 * The whole trained pipeline as ONE graph: imputation (`Where(IsNaN(x), fill, x)`), the linear design
 * (standardisation and category indicators) or the tree ensemble (ai.onnx.ml TreeEnsembleRegressor, one target per
 * class), and the softmax. Input `features` [N, F] float as the tabular spec feeds it; output `probabilities`
 * [N, classes] or `value` [N, 1].
 */
export function exportOnnx(model: ExportableModel, outputName: string): Uint8Array {
  const graph = new GraphBuilder();
  if (model.kind === 'average') {
    // Each member's whole pipeline from the same input, then the mean of their outputs (probabilities or values).
    graph.node(
      'Mean',
      model.members.map((member) => memberOutput(graph, member)),
      {},
      '',
      outputName,
    );
  } else memberOutput(graph, model, outputName);
  const width = (model.kind === 'average' ? model.members[0]! : model).fill.length;
  return serialise(graph, { name: 'features', width }, { name: outputName, width: model.outputs });
}

function memberOutput(graph: GraphBuilder, model: SingleModel, outputName?: string): string {
  const width = model.fill.length;
  const fill = graph.floats(model.fill, [1, width]);
  const imputed = graph.node('Where', [graph.node('IsNaN', ['features']), fill, 'features']);
  const scores = model.kind === 'linear' ? linearScores(graph, model, imputed) : treeScores(graph, model, imputed);
  return model.softmax
    ? graph.node('Softmax', [scores], { axis: 1 }, '', outputName)
    : graph.node('Identity', [scores], {}, '', outputName);
}

function linearScores(graph: GraphBuilder, model: LinearModel, x: string): string {
  const { design } = model;
  const d = design.source.length;
  const gathered = graph.node('Gather', [x, graph.int64s(design.source, [d])], { axis: 1 });
  const centre = graph.floats(design.centre, [1, d]);
  const standardised = graph.node('Div', [graph.node('Sub', [gathered, centre]), graph.floats(design.scale, [1, d])]);
  const indicator = graph.node('Cast', [graph.node('Equal', [gathered, centre])], { to: 1 });
  const isIndicator = graph.floats(design.indicator.map(Number), [1, d]);
  const isNumber = graph.floats(
    design.indicator.map((flag) => Number(!flag)),
    [1, d],
  );
  const z = graph.node('Add', [graph.node('Mul', [indicator, isIndicator]), graph.node('Mul', [standardised, isNumber])]);
  const weights = graph.floats(model.weights, [d, model.outputs]);
  return graph.node('Add', [graph.node('MatMul', [z, weights]), graph.floats(model.bias, [1, model.outputs])]);
}

function treeScores(graph: GraphBuilder, model: TreeEnsemble, x: string): string {
  const attrs = {
    nodes_treeids: [] as number[],
    nodes_nodeids: [] as number[],
    nodes_featureids: [] as number[],
    nodes_values: [] as number[],
    nodes_modes: [] as string[],
    nodes_truenodeids: [] as number[],
    nodes_falsenodeids: [] as number[],
    target_treeids: [] as number[],
    target_nodeids: [] as number[],
    target_ids: [] as number[],
    target_weights: [] as number[],
  };
  model.trees.forEach((tree, t) => {
    tree.feature.forEach((feature, node) => {
      const leaf = feature < 0;
      attrs.nodes_treeids.push(t);
      attrs.nodes_nodeids.push(node);
      attrs.nodes_featureids.push(leaf ? 0 : feature);
      attrs.nodes_values.push(leaf ? 0 : tree.threshold[node]!);
      attrs.nodes_modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      attrs.nodes_truenodeids.push(leaf ? 0 : tree.left[node]!);
      attrs.nodes_falsenodeids.push(leaf ? 0 : tree.right[node]!);
      if (!leaf) return;
      tree.values[node]!.forEach((weight, target) => {
        attrs.target_treeids.push(t);
        attrs.target_nodeids.push(node);
        attrs.target_ids.push(target);
        attrs.target_weights.push(weight);
      });
    });
  });
  const ints = (values: number[]) => ({ ints: values });
  return graph.node(
    'TreeEnsembleRegressor',
    [x],
    {
      n_targets: model.outputs,
      aggregate_function: model.aggregate,
      base_values: model.base,
      nodes_treeids: ints(attrs.nodes_treeids),
      nodes_nodeids: ints(attrs.nodes_nodeids),
      nodes_featureids: ints(attrs.nodes_featureids),
      nodes_values: attrs.nodes_values,
      nodes_modes: attrs.nodes_modes,
      nodes_truenodeids: ints(attrs.nodes_truenodeids),
      nodes_falsenodeids: ints(attrs.nodes_falsenodeids),
      target_treeids: ints(attrs.target_treeids),
      target_nodeids: ints(attrs.target_nodeids),
      target_ids: ints(attrs.target_ids),
      target_weights: attrs.target_weights,
    },
    'ai.onnx.ml',
  );
}
