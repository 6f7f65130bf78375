export interface Address { provinceCode: string; wardCode: string; detail: string }
