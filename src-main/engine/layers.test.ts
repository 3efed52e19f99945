/**
 * The engine's areas depend downward: no area imports one that imports it back, however
 * indirectly. A worker thread, a second database dialect and new areas fit only on such a house.
 * Read from the source's own imports, so a new circle fails here before it is ever drawn.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ENGINE = __dirname

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : []
  })
}

/** An engine file's area: the folder under engine/ it lives in, or the file itself at the top. */
function areaOf(file: string): string {
  const [first, ...rest] = relative(ENGINE, file).split('/')
  return rest.length > 0 ? `${first}/` : first!.replace(/\.ts$/, '')
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/^(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/gm)].map((match) => resolve(dirname(file), match[1]!))
}

function areaGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>()
  for (const file of sourceFiles(ENGINE)) {
    const from = areaOf(file)
    const edges = graph.get(from) ?? new Set<string>()
    graph.set(from, edges)
    for (const target of importsOf(file)) {
      if (!target.startsWith(ENGINE + '/')) continue
      const to = areaOf(`${target}.ts`)
      if (to !== from) edges.add(to)
    }
  }
  return graph
}

/** Every circle of areas (Tarjan's strongly connected components of more than one area). */
function circles(graph: Map<string, Set<string>>): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const lowest = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (area: string) => {
    indices.set(area, index)
    lowest.set(area, index++)
    stack.push(area)
    onStack.add(area)
    for (const next of graph.get(area) ?? []) {
      if (!indices.has(next)) {
        visit(next)
        lowest.set(area, Math.min(lowest.get(area)!, lowest.get(next)!))
      } else if (onStack.has(next)) lowest.set(area, Math.min(lowest.get(area)!, indices.get(next)!))
    }
    if (lowest.get(area) === indices.get(area)) {
      const component: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== area)
      if (component.length > 1) found.push(component.sort())
    }
  }
  for (const area of graph.keys()) if (!indices.has(area)) visit(area)
  return found
}

describe('the engine’s areas', () => {
  it('import one another without a circle', () => {
    expect(circles(areaGraph())).toEqual([])
  })

  it('are all seen by this check, so a circle cannot hide in an area it misses', () => {
    const graph = areaGraph()
    for (const area of ['applications/', 'compliance/', 'materialisation/', 'metrics/', 'policies/', 'db/', 'context']) expect(graph.has(area)).toBe(true)
    expect(graph.get('policies/')).toContain('materialisation/')
  })

  it('finds a circle when there is one', () => {
    const graph = new Map([
      ['metrics/', new Set(['compliance/'])],
      ['compliance/', new Set(['db/', 'metrics/'])],
      ['db/', new Set<string>()],
    ])
    expect(circles(graph)).toEqual([['compliance/', 'metrics/']])
  })
})
