/** The four built-in templates, and creating a policy from one as it is. */
import { create } from 'zustand'
import type { Policy, PolicyTemplate, TemplateId } from '../../../src-shared/domain/policy'
import { client } from '../../api/client'

interface TemplatesState {
  templates: PolicyTemplate[]
  error?: string
  load(): Promise<void>
  /** Throws the engine's `conflict` when a policy already has the name; the caller asks for another. */
  applyAsIs(templateId: TemplateId, name?: string): Promise<Policy>
}

export const useTemplates = create<TemplatesState>((set) => ({
  templates: [],
  async load() {
    try {
      const { templates } = await client.call('templates.list', {})
      set({ templates, error: undefined })
    } catch (error) {
      set({ error: (error as Error).message })
    }
  },
  async applyAsIs(templateId, name) {
    return client.call('policies.createFromTemplate', { template_id: templateId, ...(name ? { name } : {}) })
  },
}))
