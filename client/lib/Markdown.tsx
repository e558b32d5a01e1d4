import { createElement, useMemo, type ReactNode } from 'react';
import { parseMarkdown, type Block, type Inline } from './markdown.js';

interface MarkdownProps {
  source: string;
  className?: string;
  /** Added to every heading level, so a guide's `###` fits under the panel's own headings. */
  headingOffset?: number;
  testId?: string;
}

/**
 * Renders Markdown as React elements. Text only ever becomes React text children, which React
 * escapes; there is no innerHTML anywhere on this path.
 */
export function Markdown({ source, className, headingOffset = 0, testId }: MarkdownProps) {
  const blocks = useMemo(() => parseMarkdown(source), [source]);
  return (
    <div className={className ? `md ${className}` : 'md'} data-testid={testId}>
      {renderBlocks(blocks, headingOffset)}
    </div>
  );
}

export function renderBlocks(blocks: readonly Block[], headingOffset = 0): ReactNode[] {
  return blocks.map((block, index) => renderBlock(block, index, headingOffset));
}

function renderBlock(block: Block, key: number, headingOffset: number): ReactNode {
  switch (block.type) {
    case 'heading': {
      const level = Math.min(6, Math.max(1, block.level + headingOffset));
      return createElement(`h${level}`, { key, className: `md-h md-h${block.level}` }, renderInline(block.content));
    }
    case 'paragraph':
      return <p key={key}>{renderInline(block.content)}</p>;
    case 'code':
      return (
        <pre key={key} className="md-code" data-lang={block.lang || undefined}>
          <code>{block.text}</code>
        </pre>
      );
    case 'list': {
      const items = block.items.map((item, i) => <li key={i}>{renderBlocks(item, headingOffset)}</li>);
      return block.ordered ? (
        <ol key={key} start={block.start === 1 ? undefined : block.start}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    case 'quote':
      return <blockquote key={key}>{renderBlocks(block.children, headingOffset)}</blockquote>;
    case 'table':
      return (
        <div key={key} className="md-table-wrap">
          <table>
            <thead>
              <tr>
                {block.header.map((cell, c) => (
                  <th key={c} style={block.align[c] ? { textAlign: block.align[c]! } : undefined}>
                    {renderInline(cell)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {block.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, c) => (
                    <td key={c} style={block.align[c] ? { textAlign: block.align[c]! } : undefined}>
                      {renderInline(cell)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    case 'rule':
      return <hr key={key} />;
  }
}

export function renderInline(nodes: readonly Inline[]): ReactNode[] {
  return nodes.map((node, key) => {
    switch (node.type) {
      case 'text':
        return node.text;
      case 'code':
        return <code key={key}>{node.text}</code>;
      case 'strong':
        return <strong key={key}>{renderInline(node.children)}</strong>;
      case 'em':
        return <em key={key}>{renderInline(node.children)}</em>;
    }
  });
}
